/* Private to libpel: the halo exchange of pel/sphere.h by bands, for
 * solvers that fill halos inside their own team body.  It fills the halos
 * that belong to bands [b, e): their west and east halo cells (periodic),
 * and when band 0 or ny-1 is among them, the polar halo row next to it
 * (copied whole from the band, after its own halo cells, so the corners are
 * right too).  It reads only bands [b, e), so the thread that has just
 * written those bands may call it without waiting for the others;
 * pel_sphere_exchange is this over the static partition of the bands. */
#ifndef PEL_INTERNAL_SPHERE_H
#define PEL_INTERNAL_SPHERE_H

#include <pel/sphere.h>

void peli_sphere_exchange_bands(const pel_sphere *g, double *f, size_t b, size_t e);

#endif
