/*
 * A cultivated model in the form treelite 2.x/3.x compiles a two-class random forest to (its
 * header.h and main.c in one file), with float64 thresholds as a model trained on doubles has
 * them: three trees on 15 features adding class weights [cultivated, natural], averaged. Tree 1
 * on feature 7 (MNDWI), <= 0.1: [0.2, 0.8], else [0.9, 0.1]; tree 2 on feature 9 (BSI),
 * <= -0.1: [0.7, 0], else [0, 0.2]; tree 3 on feature 5 (edev / 10 000), <= 0.05: [0, 0],
 * else [0, 2]. A missing feature takes the right (greater) branch, but in tree 2 the left one.
 */
#include <stddef.h>

union Entry {
  int missing;
  double fvalue;
  int qvalue;
};

size_t get_num_class(void) { return 2; }
size_t get_num_feature(void) { return 15; }
const char* get_pred_transform(void) { return "identity_multiclass"; }
float get_sigmoid_alpha(void) { return 1.0f; }
float get_ratio_c(void) { return 1.0f; }
float get_global_bias(void) { return 0.0f; }
const char* get_threshold_type(void) { return "float64"; }
const char* get_leaf_output_type(void) { return "float32"; }

static int at_most(const union Entry* data, int feature, double threshold) {
  return data[feature].missing != -1 && data[feature].fvalue <= threshold;
}

size_t predict_multiclass(union Entry* data, int pred_margin, float* result) {
  float sum[2] = {0.0f, 0.0f};
  (void)pred_margin;
  if (at_most(data, 7, 0.1)) {
    sum[0] += 0.2f;
    sum[1] += 0.8f;
  } else {
    sum[0] += 0.9f;
    sum[1] += 0.1f;
  }
  if (data[9].missing == -1 || at_most(data, 9, -0.1)) {
    sum[0] += 0.7f;
  } else {
    sum[1] += 0.2f;
  }
  if (!at_most(data, 5, 0.05)) {
    sum[1] += 2.0f;
  }
  for (int i = 0; i < 2; ++i) result[i] = sum[i] / 3.0f;
  return 2;
}
