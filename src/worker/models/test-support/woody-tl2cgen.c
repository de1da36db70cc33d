/*
 * The woody cover model of woody-treelite.c in the form tl2cgen 1.x (treelite 4's compiler)
 * writes, with float64 thresholds and leaves: `predict` adds each tree's output into `result`,
 * which the caller zeroes. Cover (%) = (nir <= 2500 ? 10 : 60) + (swir_2 <= 1000 ? 15 : 0), nir
 * being feature 4 and swir_2 feature 0; a missing feature takes the right (greater) branch.
 */
#include <stdint.h>

union Entry {
  int missing;
  double fvalue;
  int qvalue;
};

int32_t get_num_target(void) { return 1; }
void get_num_class(int32_t* out) { out[0] = 1; }
int32_t get_num_feature(void) { return 6; }
const char* get_threshold_type(void) { return "float64"; }
const char* get_leaf_output_type(void) { return "float64"; }

void postprocess(double* result) { (void)result; }

void predict(union Entry* data, int pred_margin, double* result) {
  if (data[4].missing != -1 && data[4].fvalue <= 2500.0) {
    result[0] += 10.0;
  } else {
    result[0] += 60.0;
  }
  if (data[0].missing != -1 && data[0].fvalue <= 1000.0) {
    result[0] += 15.0;
  }
  if (!pred_margin) postprocess(result);
}
