/**
 * How odc-stats' model plugins (`lc_treelite_cultivated.py`, `lc_treelite_woody.py`,
 * `lc_tf_urban.py`, `aggregate_results_from_group`) class a pixel from the predictions of its
 * images (a year's geomedians of several sensors): each image's prediction is turned into a vote
 * (1 for the class asked about, 0 against, 255 where the image has no prediction), the votes
 * are summed, and the pixel is nodata where every image is, the class where any vote is 1,
 * the other class elsewhere.
 */
const NODATA = 255;

export interface VoteClasses {
  /** The class of a pixel with a vote for it. */
  voted: number;
  /** The class of a pixel with predictions but no vote for the first. */
  other: number;
}

/** The class of each pixel (uint8, 255 nodata) from each image's predictions, `vote` turning a prediction into a vote. */
export function classByVotes(predictions: readonly Float32Array[], pixels: number, vote: (prediction: number) => number, classes: VoteClasses): Uint8Array {
  const out = new Uint8Array(pixels).fill(NODATA);
  const images = predictions.length;
  if (images === 0) return out;
  for (let p = 0; p < pixels; p++) {
    let sum = 0;
    for (const image of predictions) sum += vote(image[p]!);
    // A nodata image adds 255: the remainder is the count of votes of the images with predictions.
    if (sum / NODATA >= images) continue;
    const votes = sum % NODATA;
    // NaN (a model's NaN prediction) is neither, and is cast to uint8 as numpy casts it here: 0.
    out[p] = votes > 0 ? classes.voted : votes <= 0 ? classes.other : 0;
  }
  return out;
}

/** Where a model plugin marks a pixel without a prediction. */
export const NO_PREDICTION = NODATA;
