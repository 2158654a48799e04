/* PEL -- Parallel Execution Layer: OpenMP-parallel scientific kernels.
 * Umbrella header: everything an embedder needs. */
#ifndef PEL_PEL_H
#define PEL_PEL_H

#include <pel/status.h>
#include <pel/context.h>
#include <pel/field.h>
#include <pel/cpu.h>
#include <pel/memory.h>
#include <pel/verify.h>
#include <pel/reduce.h>
#include <pel/rng.h>
#include <pel/lcg46.h>
#include <pel/fingerprint.h>
#include <pel/json.h>
#include <pel/io.h>
#include <pel/heat.h>
#include <pel/poisson.h>
#include <pel/gauss.h>
#include <pel/sparse.h>
#include <pel/sort.h>
#include <pel/mg.h>
#include <pel/diffusion.h>
#include <pel/sphere.h>
#include <pel/atmosphere.h>
#include <pel/cholesky.h>
#include <pel/component.h>
#include <pel/concurrent.h>
#include <pel/budget.h>
#include <pel/align.h>
#include <pel/ocean.h>
#include <pel/mask.h>
#include <pel/land.h>
#include <pel/climate.h>

#endif
