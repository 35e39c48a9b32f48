/** AUCMEDI's Integrated Gradients: 51 path points k/50, ONE model call (forward + backward) per point, trapezoid rule. */
export function seedIntegratedGradients(tf, model, image, classIndex, numSteps = 50) {
  return tf.tidy(() => {
    const baseline = tf.zerosLike(image);
    const difference = tf.sub(image, baseline);
    const selector = tf.oneHot([classIndex], model.outputs[0].shape[1]).toFloat();
    const gradient = tf.grad((x) => tf.sum(tf.mul(model.apply(x), selector)));
    let total = tf.zerosLike(image);
    for (let k = 0; k <= numSteps; k++) {
      const weight = k === 0 || k === numSteps ? 0.5 / numSteps : 1 / numSteps;
      const next = tf.tidy(() => tf.add(total, tf.mul(gradient(tf.add(baseline, tf.mul(difference, k / numSteps))), weight)));
      total.dispose();
      total = next;
    }
    const map = tf.max(tf.mul(total, difference), -1).squeeze([0]);
    const [min, max] = [tf.min(map), tf.max(map)];
    return tf.div(tf.sub(map, min), tf.add(tf.sub(max, min), 1e-8));
  });
}
