/* Prints the size and field offsets of every C struct the Python package
 * mirrors with ctypes, as JSON, so that test_layout.py catches layout drift
 * between the headers of include/partobs and python/partobs/_lib.py. */
#include <stddef.h>
#include <stdio.h>

#include "partobs/partobs.h"
#include "partobs/diagnose.h"

static int first_struct = 1, first_field;

static void begin(const char *name, size_t size)
{
    printf("%s\"%s\": {\"size\": %zu, \"fields\": {", first_struct ? "" : ",\n", name, size);
    first_struct = 0;
    first_field = 1;
}

static void field(const char *name, size_t off)
{
    printf("%s\"%s\": %zu", first_field ? "" : ", ", name, off);
    first_field = 0;
}

static void end(void) { printf("}}"); }

#define S(T) begin(#T, sizeof(T))
#define F(T, f) field(#f, offsetof(T, f))

int main(void)
{
    printf("{\n");
    S(po_mat); F(po_mat, data); F(po_mat, rows); F(po_mat, cols); F(po_mat, ld); F(po_mat, owns); end();
    S(po_teacher_opts); F(po_teacher_opts, net); F(po_teacher_opts, D); F(po_teacher_opts, scale);
    F(po_teacher_opts, self_loops); F(po_teacher_opts, diagonal_comp); F(po_teacher_opts, use_schur);
    F(po_teacher_opts, skip_interval); F(po_teacher_opts, skip_scale); F(po_teacher_opts, rank);
    F(po_teacher_opts, shift_scale); F(po_teacher_opts, max_eval); F(po_teacher_opts, min_eval);
    F(po_teacher_opts, diagonal); F(po_teacher_opts, transforms); end();
    S(po_teacher); F(po_teacher, W); F(po_teacher, U); F(po_teacher, M); F(po_teacher, N); end();
    S(po_sim_opts); F(po_sim_opts, T); F(po_sim_opts, phi); F(po_sim_opts, leaky); F(po_sim_opts, alpha);
    F(po_sim_opts, g); F(po_sim_opts, noise); F(po_sim_opts, input_gain); F(po_sim_opts, ic_scale);
    F(po_sim_opts, seed); F(po_sim_opts, threads); F(po_sim_opts, progress); F(po_sim_opts, progress_user); end();
    S(po_sim_inputs); F(po_sim_inputs, x0); F(po_sim_inputs, xi); F(po_sim_inputs, signal); F(po_sim_inputs, w_in); end();
    S(po_observe_opts); F(po_observe_opts, d); F(po_observe_opts, index); F(po_observe_opts, obs_noise);
    F(po_observe_opts, seed); end();
    S(po_ridge_opts); F(po_ridge_opts, phi); F(po_ridge_opts, leaky); F(po_ridge_opts, alpha); F(po_ridge_opts, rho);
    F(po_ridge_opts, burn_in); F(po_ridge_opts, block); F(po_ridge_opts, progress); F(po_ridge_opts, progress_user); end();
    S(po_ridge_info); F(po_ridge_info, samples); F(po_ridge_info, rcond); F(po_ridge_info, used_svd);
    F(po_ridge_info, clipped); F(po_ridge_info, residual); end();
    S(po_gd_opts); F(po_gd_opts, phi); F(po_gd_opts, alpha); F(po_gd_opts, rho); F(po_gd_opts, lr); F(po_gd_opts, iters);
    F(po_gd_opts, init); F(po_gd_opts, progress); F(po_gd_opts, progress_user); end();
    S(po_gd_info); F(po_gd_info, iters); F(po_gd_info, loss); F(po_gd_info, grad_norm); end();
    S(po_cornn_opts); F(po_cornn_opts, alpha); F(po_cornn_opts, l2); F(po_cornn_opts, threshold); F(po_cornn_opts, iters);
    F(po_cornn_opts, solver); F(po_cornn_opts, subsample); F(po_cornn_opts, threads); F(po_cornn_opts, init);
    F(po_cornn_opts, progress); F(po_cornn_opts, progress_user); end();
    S(po_cornn_info); F(po_cornn_info, samples); F(po_cornn_info, clipped); F(po_cornn_info, loss); end();
    S(po_force_opts); F(po_force_opts, alpha); F(po_force_opts, tau); F(po_force_opts, g); F(po_force_opts, p0);
    F(po_force_opts, passes); F(po_force_opts, free_passes); F(po_force_opts, t0); F(po_force_opts, t1);
    F(po_force_opts, seed); F(po_force_opts, init); F(po_force_opts, progress); F(po_force_opts, progress_user); end();
    S(po_force_info); F(po_force_info, passes); F(po_force_info, chi2); F(po_force_info, pvar); F(po_force_info, pvar_trace); end();
    S(po_bptt_opts); F(po_bptt_opts, alpha); F(po_bptt_opts, hidden); F(po_bptt_opts, seq_len); F(po_bptt_opts, batch);
    F(po_bptt_opts, epochs); F(po_bptt_opts, optimizer); F(po_bptt_opts, lr); F(po_bptt_opts, momentum);
    F(po_bptt_opts, beta1); F(po_bptt_opts, beta2); F(po_bptt_opts, eps); F(po_bptt_opts, beta);
    F(po_bptt_opts, init_scale); F(po_bptt_opts, reference_shift); F(po_bptt_opts, t0); F(po_bptt_opts, t1);
    F(po_bptt_opts, seed); F(po_bptt_opts, init); F(po_bptt_opts, progress); F(po_bptt_opts, progress_user); end();
    S(po_bptt_info); F(po_bptt_info, windows); F(po_bptt_info, epochs); F(po_bptt_info, loss_first);
    F(po_bptt_info, loss_last); F(po_bptt_info, loss_trace); end();
    S(po_lds_opts); F(po_lds_opts, procedure); F(po_lds_opts, latents); F(po_lds_opts, emissions); F(po_lds_opts, init);
    F(po_lds_opts, iters); F(po_lds_opts, tol); F(po_lds_opts, stiefel_iters); F(po_lds_opts, emission_iters);
    F(po_lds_opts, alpha); F(po_lds_opts, seed); F(po_lds_opts, progress); F(po_lds_opts, progress_user); end();
    S(po_lds); F(po_lds, K); F(po_lds, d); F(po_lds, m); F(po_lds, A); F(po_lds, V); F(po_lds, b); F(po_lds, q);
    F(po_lds, C); F(po_lds, F); F(po_lds, offset); F(po_lds, r); F(po_lds, mu0); F(po_lds, Sigma0); end();
    S(po_lds_info); F(po_lds_info, iters); F(po_lds_info, converged); F(po_lds_info, loglik);
    F(po_lds_info, loglik_trace); F(po_lds_info, elbo_trace); end();
    S(po_spectrum); F(po_spectrum, n); F(po_spectrum, re); F(po_spectrum, im); F(po_spectrum, tau); F(po_spectrum, sv);
    F(po_spectrum, las); F(po_spectrum, henrici); F(po_spectrum, max_re); end();
    S(po_cov_opts); F(po_cov_opts, noise_corr); F(po_cov_opts, closed_forms); end();
    S(po_theory_opts); F(po_theory_opts, rho); F(po_theory_opts, chain_last_row); end();
    S(po_curves_opts); F(po_curves_opts, dmin); F(po_curves_opts, dmax); F(po_curves_opts, step);
    F(po_curves_opts, d_list); F(po_curves_opts, n_list); F(po_curves_opts, top_n); F(po_curves_opts, henrici);
    F(po_curves_opts, rho); F(po_curves_opts, cov); F(po_curves_opts, threads); F(po_curves_opts, progress);
    F(po_curves_opts, progress_user); end();
    S(po_curves); F(po_curves, n); F(po_curves, top_n); F(po_curves, d); F(po_curves, las); F(po_curves, top_re);
    F(po_curves, top_sv); F(po_curves, u_overlap); F(po_curves, v_overlap); F(po_curves, henrici);
    F(po_curves, cov_method); end();
    S(po_task_opts); F(po_task_opts, net); F(po_task_opts, D); F(po_task_opts, T); F(po_task_opts, alpha);
    F(po_task_opts, noise); F(po_task_opts, input_gain); F(po_task_opts, signal_noise); F(po_task_opts, max_eval);
    F(po_task_opts, min_eval); F(po_task_opts, skip_scale); F(po_task_opts, readout_gain); F(po_task_opts, seed);
    F(po_task_opts, threads); F(po_task_opts, progress); F(po_task_opts, progress_user); end();
    S(po_task); F(po_task, D); F(po_task, T); F(po_task, W); F(po_task, S); F(po_task, m); F(po_task, w_out);
    F(po_task, x0); F(po_task, s); F(po_task, input); F(po_task, ideal); F(po_task, X); F(po_task, readout); end();
    S(po_network); F(po_network, W); F(po_network, phi); F(po_network, leaky); F(po_network, alpha); end();
    S(po_fp_opts); F(po_fp_opts, n_random); F(po_fp_opts, radius); F(po_fp_opts, starts); F(po_fp_opts, max_starts);
    F(po_fp_opts, max_iter); F(po_fp_opts, tol); F(po_fp_opts, slow_q); F(po_fp_opts, dedup); F(po_fp_opts, seed); end();
    S(po_limit_opts); F(po_limit_opts, n_traj); F(po_limit_opts, radius); F(po_limit_opts, steps);
    F(po_limit_opts, settle_tol); F(po_limit_opts, same_tol); F(po_limit_opts, diverge); F(po_limit_opts, cycle_tol);
    F(po_limit_opts, seed); end();
    S(po_attractor_comparison); F(po_attractor_comparison, obs); F(po_attractor_comparison, match); end();
    S(po_diagnose_opts); F(po_diagnose_opts, method); F(po_diagnose_opts, phi); F(po_diagnose_opts, alpha);
    F(po_diagnose_opts, rho); F(po_diagnose_opts, latents); F(po_diagnose_opts, lds_iters);
    F(po_diagnose_opts, lds_refit_iters); F(po_diagnose_opts, dt); F(po_diagnose_opts, n_fractions);
    F(po_diagnose_opts, fractions); F(po_diagnose_opts, subsets); F(po_diagnose_opts, bootstrap);
    F(po_diagnose_opts, block); F(po_diagnose_opts, pulse_steps); F(po_diagnose_opts, wait_steps);
    F(po_diagnose_opts, repeats); F(po_diagnose_opts, late_from); F(po_diagnose_opts, late_to);
    F(po_diagnose_opts, snr); F(po_diagnose_opts, seed); F(po_diagnose_opts, threads);
    F(po_diagnose_opts, progress); F(po_diagnose_opts, progress_user); end();
    printf("\n}\n");
    return 0;
}
