"""Independent NumPy Kalman-EM for the latent LDS of include/partobs/fit.h (SPEC.md §4.8).

Written from the header text only (never from the C sources), for tools/fixtures_lds.py and
tools/crosscheck.py. Model, rows t = 0 .. T-1 of Y (T x d) and U (T x m, or None):

    x_0 ~ N(mu0, Sigma0)
    x_t = A x_{t-1} + V u_t + b + N(0, diag(q))      t >= 1
    y_t = C x_t + F u_t + d + N(0, diag(r))

params is a dict with keys A, V (K x m), b, q, C, F (d x m), d, r, mu0, Sigma0; without inputs
V and F are K x 0 and d x 0. The filter is the plain covariance form (S_t = C P C^T + R solved
with np.linalg), deliberately a different algorithm from the information-form filter fit.h
describes, so that agreement means something.

    loglik_and_smooth(params, Y, U) -> (loglik, xs (T x K), Ps (T x K x K), cross (T-1 x K x K))
    init(Y, U, K, emissions)        -> params (fit.h steps 1-5, PCA)
    em(Y, U, K, emissions, iters)   -> (params, trace of iters + 1 log-likelihoods)
    brute_force(params, Y, U)       -> (loglik, E[x | Y]) from the joint Gaussian (tiny T only)
"""
import numpy as np

LOG2PI = np.log(2.0 * np.pi)
STIEFEL_ITERS = 100  # po_lds_opts_defaults().stiefel_iters
FLOOR = 1e-4         # variance floors of the initialisation, relative (fit.h step 3, 4)


def _inputs(U, T):
    if U is None:
        return np.zeros((T, 0))
    U = np.asarray(U, dtype=float)
    return U.reshape(T, -1)


def loglik_and_smooth(p, Y, U=None):
    """Kalman filter (covariance form) + Rauch-Tung-Striebel smoother.

    Returns log p(Y) = sum_t log N(y_t; C x_{t|t-1} + F u_t + d, S_t), the smoothed means xs,
    covariances Ps and the lag-one cross covariances cross[t-1] = Cov(x_t, x_{t-1} | Y)."""
    Y = np.asarray(Y, dtype=float)
    T, dy = Y.shape
    U = _inputs(U, T)
    A, C = p["A"], p["C"]
    K = A.shape[0]
    Q, R = np.diag(p["q"]), np.diag(p["r"])
    drift = U @ p["V"].T + p["b"]           # V u_t + b
    yoff = U @ p["F"].T + p["d"]            # F u_t + d
    xp = np.empty((T, K))
    Pp = np.empty((T, K, K))
    xf = np.empty((T, K))
    Pf = np.empty((T, K, K))
    ll = 0.0
    I = np.eye(K)
    for t in range(T):
        if t == 0:
            xp[0], Pp[0] = p["mu0"], p["Sigma0"]
        else:
            xp[t] = A @ xf[t - 1] + drift[t]
            Pp[t] = A @ Pf[t - 1] @ A.T + Q
        S = C @ Pp[t] @ C.T + R
        S = 0.5 * (S + S.T)
        e = Y[t] - C @ xp[t] - yoff[t]
        sign, logdet = np.linalg.slogdet(S)
        if sign <= 0:
            raise np.linalg.LinAlgError("innovation covariance not positive definite at t=%d" % t)
        ll -= 0.5 * (dy * LOG2PI + logdet + e @ np.linalg.solve(S, e))
        G = np.linalg.solve(S, C @ Pp[t]).T  # Kalman gain Pp C^T S^-1
        xf[t] = xp[t] + G @ e
        IKC = I - G @ C
        Pf[t] = IKC @ Pp[t] @ IKC.T + G @ R @ G.T  # Joseph form
    xs = np.empty((T, K))
    Ps = np.empty((T, K, K))
    cross = np.empty((max(T - 1, 0), K, K))
    xs[-1], Ps[-1] = xf[-1], Pf[-1]
    for t in range(T - 2, -1, -1):
        J = np.linalg.solve(Pp[t + 1], A @ Pf[t]).T  # Pf_t A^T Pp_{t+1}^-1
        xs[t] = xf[t] + J @ (xs[t + 1] - xp[t + 1])
        Ps[t] = Pf[t] + J @ (Ps[t + 1] - Pp[t + 1]) @ J.T
        Ps[t] = 0.5 * (Ps[t] + Ps[t].T)
        cross[t] = Ps[t + 1] @ J.T
    return ll, xs, Ps, cross


def brute_force(p, Y, U=None):
    """log p(Y) and E[x | Y] from the joint Gaussian of all x_t and y_t (tiny T only)."""
    Y = np.asarray(Y, dtype=float)
    T, dy = Y.shape
    U = _inputs(U, T)
    A, C = p["A"], p["C"]
    K = A.shape[0]
    mx = np.empty((T, K))
    mx[0] = p["mu0"]
    for t in range(1, T):
        mx[t] = A @ mx[t - 1] + p["V"] @ U[t] + p["b"]
    P = [p["Sigma0"]]
    for t in range(1, T):
        P.append(A @ P[-1] @ A.T + np.diag(p["q"]))
    Sxx = np.zeros((T * K, T * K))
    for t in range(T):
        for s in range(t + 1):
            blk = np.linalg.matrix_power(A, t - s) @ P[s]  # Cov(x_t, x_s)
            Sxx[t * K:(t + 1) * K, s * K:(s + 1) * K] = blk
            Sxx[s * K:(s + 1) * K, t * K:(t + 1) * K] = blk.T
    Cb = np.kron(np.eye(T), C)
    my = (mx @ C.T + U @ p["F"].T + p["d"]).ravel()
    Syy = Cb @ Sxx @ Cb.T + np.kron(np.eye(T), np.diag(p["r"]))
    e = Y.ravel() - my
    _, logdet = np.linalg.slogdet(Syy)
    ll = -0.5 * (T * dy * LOG2PI + logdet + e @ np.linalg.solve(Syy, e))
    xhat = mx.ravel() + Sxx @ Cb.T @ np.linalg.solve(Syy, e)
    return ll, xhat.reshape(T, K)


def _sign_fix(Cm):
    """Each column's entry of largest magnitude positive (fit.h init step 2)."""
    Cm = Cm.copy()
    for k in range(Cm.shape[1]):
        j = np.argmax(np.abs(Cm[:, k]))
        if Cm[j, k] < 0:
            Cm[:, k] = -Cm[:, k]
    return Cm


def init(Y, U, K, emissions="orthonormal"):
    """PCA initialisation, fit.h steps 1-5 (the same for both emission models)."""
    Y = np.asarray(Y, dtype=float)
    T, dy = Y.shape
    U = _inputs(U, T)
    m = U.shape[1]
    # 1. [F d] = least squares of Y on [U 1]; E = the residual
    W1 = np.hstack([U, np.ones((T, 1))])
    coef = np.linalg.lstsq(W1, Y, rcond=None)[0]        # (m+1) x d
    F, dvec = coef[:m].T.copy(), coef[m].copy()
    E = Y - W1 @ coef
    # 2. C = the K leading right singular vectors of E, sign-fixed; Z = E C
    _, _, Vt = np.linalg.svd(E, full_matrices=False)
    C = _sign_fix(Vt[:K].T)
    Z = E @ C
    # 3. r = mean squared reconstruction residual, floored at 1e-4 var(y_i)
    r = np.mean((E - Z @ C.T) ** 2, axis=0)
    r = np.maximum(r, FLOOR * np.var(Y, axis=0))
    # 4. [A V b] = least squares of z_t on [z_{t-1}; u_t; 1], q = mean squared residual
    Phi = np.hstack([Z[:-1], U[1:], np.ones((T - 1, 1))])
    Th = np.linalg.lstsq(Phi, Z[1:], rcond=None)[0].T   # K x (K+m+1)
    res = Z[1:] - Phi @ Th.T
    q = np.maximum(np.mean(res ** 2, axis=0), FLOOR * np.var(Z, axis=0))
    # 5. mu0 = z_0, Sigma0 = the sample covariance of Z (np.cov: divisor T - 1), held fixed
    Sigma0 = np.atleast_2d(np.cov(Z, rowvar=False))
    return dict(A=Th[:, :K].copy(), V=Th[:, K:K + m].copy(), b=Th[:, K + m].copy(), q=q, C=C, F=F,
                d=dvec, r=r, mu0=Z[0].copy(), Sigma0=Sigma0)


def polar(G):
    Uu, _, Vt = np.linalg.svd(G, full_matrices=False)
    return Uu @ Vt


def mstep(p, Y, U, xs, Ps, cross, emissions="orthonormal", stiefel_iters=STIEFEL_ITERS):
    """Closed-form M-step of fit.h (Sigma0 fixed)."""
    Y = np.asarray(Y, dtype=float)
    T, dy = Y.shape
    U = _inputs(U, T)
    K, m = xs.shape[1], U.shape[1]
    one = np.ones((T, 1))
    Exx = Ps + np.einsum("ti,tj->tij", xs, xs)                    # E[x_t x_t^T]
    Exx1 = cross + np.einsum("ti,tj->tij", xs[1:], xs[:-1])       # E[x_t x_{t-1}^T], t >= 1
    q = dict(p)
    # dynamics: [A V b] regresses x_t on [x_{t-1}; u_t; 1], t = 1 .. T-1
    w = np.hstack([U[1:], one[1:]])                               # [u_t; 1]
    Spp = np.zeros((K + m + 1, K + m + 1))
    Spp[:K, :K] = Exx[:-1].sum(0)
    Spp[:K, K:] = xs[:-1].T @ w
    Spp[K:, :K] = Spp[:K, K:].T
    Spp[K:, K:] = w.T @ w
    Sxp = np.hstack([Exx1.sum(0), xs[1:].T @ w])
    Th = np.linalg.solve(Spp, Sxp.T).T
    q["A"], q["V"], q["b"] = Th[:, :K].copy(), Th[:, K:K + m].copy(), Th[:, K + m].copy()
    q["q"] = np.diag(Exx[1:].sum(0) - Th @ Sxp.T) / (T - 1)
    q["mu0"] = xs[0].copy()
    P = Exx.sum(0)
    wy = np.hstack([U, one])                                      # [u_t; 1], t = 0 .. T-1
    if emissions == "free":
        # [C F d] regresses y_t on [x_t; u_t; 1]
        Spp = np.zeros((K + m + 1, K + m + 1))
        Spp[:K, :K] = P
        Spp[:K, K:] = xs.T @ wy
        Spp[K:, :K] = Spp[:K, K:].T
        Spp[K:, K:] = wy.T @ wy
        Syp = np.hstack([Y.T @ xs, Y.T @ wy])
        Th = np.linalg.solve(Spp, Syp.T).T
        q["C"], q["F"], q["d"] = Th[:, :K].copy(), Th[:, K:K + m].copy(), Th[:, K + m].copy()
        q["r"] = (np.sum(Y * Y, axis=0) - np.sum(Th * Syp, axis=1)) / T
        return q
    # orthonormal C: [F d] given the current C
    C = p["C"]
    coef = np.linalg.solve(wy.T @ wy, wy.T @ (Y - xs @ C.T))      # (m+1) x d
    q["F"], q["d"] = coef[:m].T.copy(), coef[m].copy()
    Yt = Y - wy @ coef                                            # y_t - F u_t - d
    M = Yt.T @ xs                                                 # d x K
    rinv = 1.0 / p["r"]
    # majorize-minimize on the Stiefel manifold for tr(R^-1 (C P C^T - 2 M C^T)):
    # the Hessian P (x) R^-1 is bounded by L = lambda_max(P) max(1/r)
    L = np.linalg.eigvalsh(P)[-1] * rinv.max()
    for _ in range(stiefel_iters):
        C = polar(L * C - rinv[:, None] * (C @ P) + rinv[:, None] * M)
    q["C"] = C
    q["r"] = (np.sum(Yt * Yt, axis=0) - 2 * np.sum(M * C, axis=1) + np.sum((C @ P) * C, axis=1)) / T
    return q


def em(Y, U, K, emissions="orthonormal", iters=10, stiefel_iters=STIEFEL_ITERS, params=None):
    """EM from the PCA initialisation (or from params). Returns (params, trace): trace[k] is the
    log-likelihood after k iterations, iters + 1 entries."""
    p = init(Y, U, K, emissions) if params is None else params
    trace = []
    while True:
        ll, xs, Ps, cross = loglik_and_smooth(p, Y, U)
        trace.append(ll)
        if len(trace) == iters + 1:
            return p, np.array(trace)
        p = mstep(p, Y, U, xs, Ps, cross, emissions, stiefel_iters)


def sorted_eigs(A):
    """Eigenvalues sorted by descending real part (then descending imaginary part), as [re, im]
    rows."""
    lam = np.linalg.eigvals(A)
    lam = lam[np.lexsort((-lam.imag, -lam.real))]
    return np.column_stack([lam.real, lam.imag])


def random_model(rng, K, d, m):
    """A stable random model with well-conditioned noise (for fixtures and tests)."""
    th = rng.uniform(0.1, 0.4)
    rad = rng.uniform(0.9, 0.97, K)
    Sm = rng.standard_normal((K, K)) + 2 * np.eye(K)
    Dg = np.diag(rad)
    if K >= 2:
        Dg[:2, :2] = rad[0] * np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    A = Sm @ Dg @ np.linalg.inv(Sm)
    return dict(A=A, V=rng.standard_normal((K, m)) * 0.5, b=rng.standard_normal(K) * 0.1,
                q=rng.uniform(0.05, 0.2, K), C=rng.standard_normal((d, K)), F=rng.standard_normal((d, m)) * 0.3,
                d=rng.standard_normal(d), r=rng.uniform(0.1, 0.5, d), mu0=rng.standard_normal(K),
                Sigma0=np.eye(K) * 0.5 + 0.1)


def sample(rng, p, T, U=None):
    K, dy = p["A"].shape[0], p["C"].shape[0]
    U = _inputs(U, T)
    X = np.empty((T, K))
    X[0] = rng.multivariate_normal(p["mu0"], p["Sigma0"])
    for t in range(1, T):
        X[t] = p["A"] @ X[t - 1] + p["V"] @ U[t] + p["b"] + np.sqrt(p["q"]) * rng.standard_normal(K)
    Y = X @ p["C"].T + U @ p["F"].T + p["d"] + np.sqrt(p["r"]) * rng.standard_normal((T, dy))
    return X, Y


def _selftest():
    rng = np.random.default_rng(5)
    for m in (0, 1):
        p = random_model(rng, 2, 3, m)
        U = rng.standard_normal((4, m)) if m else None
        _, Y = sample(rng, p, 4, U)
        ll, xs, _, _ = loglik_and_smooth(p, Y, U)
        llb, xb = brute_force(p, Y, U)
        print("m=%d: LL kalman %.15g brute %.15g (rel %.2g); max|xs - E[x|Y]| %.2g"
              % (m, ll, llb, abs(ll - llb) / abs(llb), np.max(np.abs(xs - xb))))
        assert abs(ll - llb) < 1e-10 * abs(llb) and np.max(np.abs(xs - xb)) < 1e-10
    p = random_model(rng, 2, 5, 1)
    U = rng.standard_normal((300, 1))
    _, Y = sample(rng, p, 300, U)
    for em_kind in ("free", "orthonormal"):
        for UU in (U, None):
            pf, tr = em(Y, UU, 2, em_kind, 15)
            inc = np.diff(tr)
            print("%s input=%s: LL %s, min increase %.3g" % (em_kind, UU is not None, tr[[0, -1]], inc.min()))
            assert inc.min() > -1e-8 * abs(tr[-1])
            if em_kind == "orthonormal":
                assert np.max(np.abs(pf["C"].T @ pf["C"] - np.eye(2))) < 1e-12


if __name__ == "__main__":
    _selftest()
