"""NumPy references for the iterative fitting methods, written from SPEC.md
§4.5 (CORNN) and §4.6 (FORCE) the way the reference Python code computes them
(Xp = H^-1 x^T and Xm = Xp x formed explicitly; FORCE with numpy per step).
Shared by tools/fixtures_learners.py and bench/np_learners.py."""
import numpy as np

CLIP = 1.0 - 1e-6


def cornn(Y, alpha=0.01, l2=1e-5, threshold=1.0, iters=1000, solver="weighted",
          subsample=1, U=None):
    """CORNN (SPEC.md §4.5). Returns (W_hat d x d, W_in d x m or None, theta)."""
    d = Y.shape[1]
    r_in, r_out = Y[:-1:subsample], Y[1::subsample]
    r_out = r_out[: r_in.shape[0]]
    x = r_in if U is None else np.hstack([r_in, U[:-1:subsample]])
    delta = np.clip((r_out - (1 - alpha) * r_in) / alpha, -CLIP, CLIP)
    T = x.shape[0]
    lam = l2 * T
    H = x.T @ x + lam * np.eye(x.shape[1])
    Xp = np.linalg.solve(H, x.T)
    Xm = Xp @ x
    theta = Xp @ np.arctanh(delta)
    wts = 1.0 / (1.0 - delta ** 2)
    for _ in range(iters):
        E = delta - np.tanh(x @ theta)
        if solver != "standard":
            E = E * wts
            if solver == "weighted":
                out = np.abs(E) > threshold
                E[out] = 0.0
                cnt = out.sum(axis=0)
                E = E * (T / (T - cnt))[None, :]
            else:
                E = np.clip(E, -threshold, threshold)
        theta = Xm @ theta + Xp @ E
    W_hat = theta[:d, :].T
    W_in = None if U is None else theta[d:, :].T
    return W_hat, W_in, theta


def force_pass(data, J, P, dt=0.01, tau=1.0, train=True):
    """One FORCE pass (SPEC.md §4.6) over data (d x n), updating J and P in place.
    Returns (chi2, pVar)."""
    d, n = data.shape
    H = data[:, 0].copy()
    RNN = np.zeros((d, n))
    RNN[:, 0] = np.tanh(H)
    chi2 = 0.0
    tdata = np.tanh(data)
    for tt in range(1, n):
        r = np.tanh(H)
        RNN[:, tt] = r
        JR = J @ r
        H = H + dt * (-H + JR) / tau
        err = r - tdata[:, tt - 1]
        chi2 += np.mean(err ** 2)
        if train:
            k = P @ r
            c = 1.0 / (1.0 + r @ k)
            P -= c * np.outer(k, k)
            J -= c * np.outer(err, k)
    pvar = 1.0 - (np.linalg.norm(tdata - RNN) / (np.sqrt(d * n) * np.std(data))) ** 2
    return chi2, pvar
