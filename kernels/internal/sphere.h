/* Private to libpel: the halo exchange of pel/sphere.h as two team phases,
 * for solvers that fill halos inside their own team body.  Phase lon
 * (periodic west and east halos of the interior bands, split over bands by
 * (t, nt)) must be complete before phase poles (the polar halo rows, whole,
 * from the polar bands) starts; together they are pel_sphere_exchange. */
#ifndef PEL_INTERNAL_SPHERE_H
#define PEL_INTERNAL_SPHERE_H

#include <pel/sphere.h>

void peli_sphere_exchange_lon(const pel_sphere *g, double *f, int t, int nt);
void peli_sphere_exchange_poles(const pel_sphere *g, double *f, int t, int nt);

#endif
