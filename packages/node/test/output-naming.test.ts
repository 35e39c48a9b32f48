import path from 'node:path';
import { expect } from 'chai';
import { TfxaiError } from '@tfxai/core';
import { IMAGE_EXTENSIONS, StemAllocator, insideFolder, outputFileName, safeStem } from '@tfxai/node';

describe('output naming', () => {
  it("AUCMEDI's names: x.png for one map, x.class_2.png per class", () => {
    expect(outputFileName('x', 'png')).to.equal('x.png');
    expect(outputFileName('x', 'png', 2)).to.equal('x.class_2.png');
    expect(outputFileName('x', 'npy', 0)).to.equal('x.class_0.npy');
  });

  it('flattens separators to dots and neutralises traversal, absolute paths and control characters', () => {
    expect(safeStem('sub/dir/x')).to.equal('sub.dir.x');
    expect(safeStem('sub\\dir\\x')).to.equal('sub.dir.x');
    expect(safeStem('../../etc/passwd')).to.equal('__.__.etc.passwd');
    expect(safeStem('/abs/path/x')).to.equal('abs.path.x');
    expect(safeStem('C:\\Users\\x')).to.equal('C_.Users.x');
    expect(safeStem('..')).to.equal('__');
    expect(safeStem('.')).to.equal('_');
    expect(safeStem('')).to.equal('_');
    expect(safeStem('.hidden')).to.equal('hidden');
    expect(safeStem('a\u0000b\nc')).to.equal('a_b_c');
    expect(safeStem('./a//b')).to.equal('a.b');
  });

  it('keeps unicode and cuts long names on a character boundary within 180 bytes', () => {
    expect(safeStem('röntgen/胸部/снимок')).to.equal('röntgen.胸部.снимок');
    const long = safeStem('é'.repeat(200));
    expect(Buffer.byteLength(long)).to.equal(180);
    expect(long).to.equal('é'.repeat(90));
  });

  it('gives colliding samples distinct, deterministic stems', () => {
    const stems = new StemAllocator();
    const names = ['a/b.png', 'a.b.png', 'a/b.jpg', 'A/B.png', 'x.tif'].map((s) => stems.allocate(s, IMAGE_EXTENSIONS));
    expect(names).to.deep.equal(['a.b', 'a.b.png', 'a.b.jpg', 'A.B~2', 'x']);
  });

  it('insideFolder refuses any name that would leave the folder', () => {
    const root = path.resolve('/tmp/out');
    expect(insideFolder(root, 'x.png')).to.equal(path.join(root, 'x.png'));
    for (const bad of ['../x.png', '/etc/x', 'a/b.png', '..', '.']) {
      expect(() => insideFolder(root, bad), bad).to.throw(TfxaiError, /would leave the output folder/);
    }
  });
});
