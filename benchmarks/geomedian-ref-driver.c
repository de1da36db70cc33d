/* Driver of the speed reference /work/shared/bench/ref_gm.c for benchmarks/geomedian-vs-ref.ts:
 * reads a float32 stack (rows, cols, bands, times) from a file, times `ref_geomedian` on it
 * `repeats` times, writes the last answer (rows, cols, bands) float32 to a file and prints one
 * line per run: "<wall seconds> <CPU seconds> <updates>". Only the call is timed (not the file
 * I/O); CPU time is the process's (one thread runs).
 *
 *   driver IN OUT ROWS COLS BANDS TIMES EPS MAXITERS THREADS REPEATS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

long ref_geomedian(const float *X, float *out, int rows, int cols, int bands, int times,
                   double eps, int maxiters, int threads);

int main(int argc, char **argv) {
    if (argc != 11) {
        fprintf(stderr, "usage: %s IN OUT ROWS COLS BANDS TIMES EPS MAXITERS THREADS REPEATS\n", argv[0]);
        return 2;
    }
    int rows = atoi(argv[3]), cols = atoi(argv[4]), bands = atoi(argv[5]), times = atoi(argv[6]);
    double eps = atof(argv[7]);
    int maxiters = atoi(argv[8]), threads = atoi(argv[9]), repeats = atoi(argv[10]);
    size_t samples = (size_t)rows * cols * bands * times, outs = (size_t)rows * cols * bands;
    float *X = malloc(sizeof(float) * samples), *out = malloc(sizeof(float) * outs);
    FILE *in = fopen(argv[1], "rb");
    if (!X || !out || !in || fread(X, sizeof(float), samples, in) != samples) {
        fprintf(stderr, "cannot read %zu float32 from %s\n", samples, argv[1]);
        return 1;
    }
    fclose(in);
    for (int r = 0; r < repeats; r++) {
        struct timespec start, end, cpuStart, cpuEnd;
        clock_gettime(CLOCK_MONOTONIC, &start);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStart);
        long updates = ref_geomedian(X, out, rows, cols, bands, times, eps, maxiters, threads);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuEnd);
        clock_gettime(CLOCK_MONOTONIC, &end);
        printf("%.9f %.9f %ld\n", (end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec),
               (cpuEnd.tv_sec - cpuStart.tv_sec) + 1e-9 * (cpuEnd.tv_nsec - cpuStart.tv_nsec), updates);
        fflush(stdout);
    }
    FILE *o = fopen(argv[2], "wb");
    if (!o || fwrite(out, sizeof(float), outs, o) != outs) {
        fprintf(stderr, "cannot write %s\n", argv[2]);
        return 1;
    }
    fclose(o);
    return 0;
}
