# Every enum option of the CLI rejects an unknown name with the library's one
# message "unknown <what> '<name>' (valid: ...)" built from the enum's X-macro
# list (issue 10 item 13): one line, exit 2, nothing written.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

"$P" teacher --net chain --D 6 --seed 1 -o w.npy &&
    "$P" simulate --W w.npy --T 60 --seed 1 -o Y.npy || fail setup "teacher/simulate failed"

# bad_name NAME MESSAGE ARGS...: ARGS fail as a usage error whose one line is
# "partobs: <cmd>: MESSAGE".
bad_name() {
    local name=$1 msg=$2
    shift 2
    expect_error_in "partobs: $1: " 2 "$name" "$@"
    check "${name}_message" grep -qxF "partobs: $1: $msg" "$W/err.txt"
}

bad_name net "unknown generator 'bogus' (valid: gaussian, symmetric, line-attractor, triangular, chain, lowrank, lowrank-osc, lowrank-normal, lowrank-random)" \
    teacher --net bogus --D 5 -o existing.npy
bad_name phi "unknown activation 'sigmoid' (valid: linear, tanh)" \
    simulate --W w.npy --T 5 --phi sigmoid -o existing.npy
bad_name leaky "unknown leaky form 'x' (valid: current, rate)" \
    simulate --W w.npy --T 5 --leaky x -o existing.npy
bad_name task_net "unknown task network 'ring' (valid: line-attractor, feedforward)" \
    task --net ring --out tdir
bad_name solver "unknown CORNN solver 'foo' (valid: weighted, standard, robust)" \
    fit Y.npy --method cornn --solver foo -o existing.npy
bad_name optimizer "unknown optimizer 'nadam' (valid: sgd, adam)" \
    fit Y.npy --method bptt --optimizer nadam -o existing.npy
bad_name procedure "unknown LDS procedure 'laplace' (valid: exact, paper)" \
    fit Y.npy --method lds --latents 2 --procedure laplace -o existing.npy
bad_name emissions "unknown LDS emissions 'foo' (valid: free, orthonormal)" \
    fit Y.npy --method lds --latents 2 --emissions foo -o existing.npy
bad_name init "unknown LDS init 'svd' (valid: pca, random)" \
    fit Y.npy --method lds --latents 2 --init svd -o existing.npy

finish
