/*
 * A woody cover model in the form treelite 2.x/3.x compiles a regressor to (its header.h and
 * main.c in one file): two trees on 6 features, cover (%) = (nir <= 2500 ? 10 : 60) +
 * (swir_2 <= 1000 ? 15 : 0), nir being feature 4 and swir_2 feature 0. A missing feature takes
 * the right (greater) branch.
 */
#include <stddef.h>

union Entry {
  int missing;
  float fvalue;
  int qvalue;
};

size_t get_num_class(void) { return 1; }
size_t get_num_feature(void) { return 6; }
const char* get_pred_transform(void) { return "identity"; }
float get_sigmoid_alpha(void) { return 1.0f; }
float get_ratio_c(void) { return 1.0f; }
float get_global_bias(void) { return 0.0f; }
const char* get_threshold_type(void) { return "float32"; }
const char* get_leaf_output_type(void) { return "float32"; }

float predict(union Entry* data, int pred_margin) {
  float sum = 0.0f;
  (void)pred_margin;
  if (data[4].missing != -1 && data[4].fvalue <= 2500.0f) {
    sum += 10.0f;
  } else {
    sum += 60.0f;
  }
  if (data[0].missing != -1 && data[0].fvalue <= 1000.0f) {
    sum += 15.0f;
  }
  return sum;
}
