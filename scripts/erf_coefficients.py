#!/usr/bin/env python3
"""Fits the float32 erf/erfc polynomials of src/backend/js/erf32.ts and native/src/kernels/erf.h.

Least squares on Chebyshev nodes in 40-digit arithmetic (mpmath), weighted for relative error, which
is within a few percent of minimax. Three regions of z = |x|:
  z < 1/2:        erf(z) = z + z * S(z^2)                     (S: the series of erf(z)/z - 1)
  1/2 <= z < 5/2: erfc(z) = exp(-z^2) * B(z - 3/2)            (B: erfc(z) e^(z^2), smooth here)
  5/2 <= z < 10:  erfc(z) = exp(-z^2) * t * C(t^2), t = 1/z   (C: its asymptotic form, z erfc(z) e^(z^2))
Prints each polynomial's coefficients (lowest degree first) and its relative fit error.
  /usr/bin/python3 scripts/erf_coefficients.py
"""
import mpmath as mp

mp.mp.dps = 40


def fit(f, lo, hi, deg, n=400):
    nodes = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (k + 0.5) / n) for k in range(n)]
    A = mp.matrix(n, deg + 1)
    b = mp.matrix(n, 1)
    for i, s in enumerate(nodes):
        y = f(s)
        for j in range(deg + 1):
            A[i, j] = s ** j / y
        b[i] = 1
    Q, R = mp.qr(A)
    c = mp.lu_solve(R[:deg + 1, :deg + 1], (Q.T * b)[:deg + 1, 0])
    coefs = [c[j] for j in range(deg + 1)]
    err = max(abs(mp.polyval(coefs[::-1], lo + (hi - lo) * k / 4000) / f(lo + (hi - lo) * k / 4000) - 1) for k in range(4001))
    return coefs, err


def erfc_scaled(z):
    return mp.erfc(z) * mp.exp(z * z)


S, eS = fit(lambda u: mp.erf(mp.sqrt(u)) / mp.sqrt(u) - 1 if u > 0 else 2 / mp.sqrt(mp.pi) - 1, mp.mpf('1e-30'), mp.mpf('0.25'), 4)
B, eB = fit(lambda w: erfc_scaled(w + mp.mpf('1.5')), mp.mpf('-1'), mp.mpf('1'), 12)
C, eC = fit(lambda u: erfc_scaled(1 / mp.sqrt(u)) / mp.sqrt(u), mp.mpf('0.01'), mp.mpf('0.16'), 7)
for name, c, e in (('S', S, eS), ('B', B, eB), ('C', C, eC)):
    print(f'{name} (relative fit error {mp.nstr(e, 3)}):')
    print('  ' + ', '.join(mp.nstr(x, 17, min_fixed=-99, max_fixed=99) for x in c))
