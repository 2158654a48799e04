#!/usr/bin/env python3
"""Draw pel-climate's history as PNG: maps of the surface air temperature,
the SST and the soil temperature at the last record, of the ocean's
barotropic transport streamfunction (Sv; u = -dpsi/dy, v = dpsi/dx, so the
flow runs clockwise around a maximum), and the zonal mean of the air temperature against NCC81's
analytic profile (the no-ice Legendre solution with NCC81's constants).

Usage: plot-climate.py HISTORY.nc OUTDIR
Reads only the history file (xarray + matplotlib, Debian's python3-xarray,
python3-netcdf4 and python3-matplotlib)."""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

# NCC81 (North, Cahalan & Coakley 1981): T(x) = sum T_n P_n(x), no ice.
A, B, D, Q, S2, A0, A2 = 203.3, 2.09, 0.649, 334.4, -0.482, 0.681, -0.202


def legendre(n, x):
    return {0: np.ones_like(x), 2: 0.5 * (3 * x**2 - 1), 4: (35 * x**4 - 30 * x**2 + 3) / 8}[n]


def ncc81(x):
    g = np.linspace(0.0, 1.0, 20001)
    sa = (1 + S2 * legendre(2, g)) * (A0 + A2 * legendre(2, g))
    t = np.zeros_like(x)
    for n in (0, 2, 4):
        h = (2 * n + 1) * np.trapz(sa * legendre(n, g), g)
        t += (Q * h / (n * (n + 1) * D + B) - (A / B if n == 0 else 0.0)) * legendre(n, x)
    return t


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    path, out = argv[1], argv[2]
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as e:
        sys.stderr.write("plot-climate: error: %s: %s\n" % (path, e))
        return 2
    os.makedirs(out, exist_ok=True)
    last = ds.isel(time=-1)
    when = str(ds.time.values[-1])[:10]
    for var, title, cmap in (("tas", "surface air temperature", "RdBu_r"), ("sst", "sea surface temperature", "RdBu_r"),
                             ("tsl", "soil temperature", "RdBu_r")):
        if var not in ds:
            continue
        fig, ax = plt.subplots(figsize=(8, 4))
        last[var].plot(ax=ax, cmap=cmap)
        ax.set_title("%s (%s), %s" % (title, ds[var].attrs.get("units", ""), when))
        fig.savefig(os.path.join(out, var + ".png"), dpi=100)
        plt.close(fig)
    drawn = [v for v in ("tas", "sst", "tsl") if v in ds]
    if "psi" in ds:
        psi = last["psi"]
        fig, ax = plt.subplots(figsize=(8, 4))
        lim = float(np.nanmax(np.abs(psi.values))) or 1.0
        psi.plot(ax=ax, cmap="PuOr_r", vmin=-lim, vmax=lim, cbar_kwargs={"label": "Sv"})
        lon, lat = psi[psi.dims[1]].values, psi[psi.dims[0]].values
        ax.contour(lon, lat, psi.values, levels=np.linspace(-lim, lim, 11), colors="k", linewidths=0.5)
        ax.set_title("ocean barotropic streamfunction (Sv), %s" % when)
        fig.savefig(os.path.join(out, "psi.png"), dpi=100)
        plt.close(fig)
        drawn.append("psi")
    zonal = last["tas"].mean("lon")
    x = np.sin(np.radians(ds.lat.values))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ds.lat.values, zonal.values, "o-", label="pel-climate, zonal mean")
    fine = np.linspace(-1, 1, 181)
    ax.plot(np.degrees(np.arcsin(fine)), ncc81(fine), "k--", label="NCC81 (no ice), analytic")
    ax.plot(ds.lat.values, ncc81(x), "k.", ms=3)
    ax.set_xlabel("latitude (degrees)")
    ax.set_ylabel("T (degC)")
    ax.set_title("zonal mean air temperature, %s" % when)
    ax.legend()
    fig.savefig(os.path.join(out, "zonal.png"), dpi=100)
    plt.close(fig)
    # joined as the files were (one separator, whether or not out ends in one)
    print("plot-climate: wrote %s" % os.path.join(out, "{%s}.png" % ",".join(drawn + ["zonal"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
