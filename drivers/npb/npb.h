/* pel-npb's problems: one NAS Parallel Benchmark kernel each, run as a
 * component of its library family (pel/component.h, kernels/<family>/
 * component.c: what NPB 3.3.1 leaves untimed happens at create, its timed
 * iterations are the steps, its verification is verify).  drivers/npb/
 * <name>.c only describes one class of it: the steps, NPB's "Size",
 * "Iterations" and "Operation type", and its operation count. */
#ifndef PEL_NPB_H
#define PEL_NPB_H

#include "common/suite.h"

/* The case's report info: NPB's size, iterations and operation type, in
 * this order (pel-npb prints them from here); work is NPB's operation
 * count, the numerator of its Mop/s. */
void npb_describe(pel_suite_case *c, long steps, const char *size, long iterations, const char *optype,
                  double operations);

extern const pel_suite_problem npb_ep, npb_cg, npb_mg, npb_ft, npb_is;

#endif
