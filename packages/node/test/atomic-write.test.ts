import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { TEMP_SUFFIX, removeStaleTempFiles, writeFileAtomic } from '@tfxai/node';
import { removeFolder, tempFolder } from './fixtures.js';

describe('writeFileAtomic', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder()));
  afterEach(async () => removeFolder(folder));

  it('writes the bytes, replaces an existing file, and leaves no temporary file', async () => {
    const target = path.join(folder, 'a.png');
    await writeFileAtomic(target, Uint8Array.from([1, 2, 3]));
    await writeFileAtomic(target, Uint8Array.from([4, 5]));
    expect([...(await readFile(target))]).to.deep.equal([4, 5]);
    expect(await readdir(folder)).to.deep.equal(['a.png']);
  });

  it('on failure removes its temporary file and leaves the old file untouched', async () => {
    const target = path.join(folder, 'kept.png');
    await writeFile(target, 'old');
    // Renaming a file onto a non-empty folder fails after the bytes were written.
    const blocked = path.join(folder, 'blocked');
    await writeFile(path.join(folder, 'x'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(blocked)).then(() => writeFile(path.join(blocked, 'inside'), ''));
    let caught: unknown;
    await writeFileAtomic(blocked, Uint8Array.from([1])).catch((error) => (caught = error));
    expect(caught).to.be.instanceOf(Error);
    expect((await readdir(folder)).sort()).to.deep.equal(['blocked', 'kept.png', 'x']);
    expect(await readFile(target, 'utf8')).to.equal('old');
  });

  it('removeStaleTempFiles removes temporary files of dead processes only', async () => {
    const dead = path.join(folder, `.a.png.999999999-0abc${TEMP_SUFFIX}`);
    const alive = path.join(folder, `.b.png.${process.pid}-0def${TEMP_SUFFIX}`);
    await writeFile(dead, 'half');
    await writeFile(alive, 'in progress');
    await writeFile(path.join(folder, 'c.png'), 'done');
    expect(await removeStaleTempFiles(folder)).to.equal(1);
    expect((await readdir(folder)).sort()).to.deep.equal([path.basename(alive), 'c.png'].sort());
  });
});
