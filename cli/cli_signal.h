/* partobs CLI: interrupted runs leave nothing (issue 10 item 3).
 *
 * SIGINT, SIGTERM and SIGHUP (each unless it was ignored when the tool
 * started, as under nohup) are blocked in main() before any other thread
 * exists, so every thread the library starts inherits the block, and one
 * dedicated thread sigwait()s for them. Threads that existed before main()
 * (OpenBLAS starts its pool when the library is loaded) get a handler that
 * only forwards the signal to that thread. No clean-up runs in a signal
 * handler.
 *
 * On a signal the thread takes the staging lock (so that it never sees half
 * of a commit), removes from every watched directory the entries this
 * process staged there (hidden names with PO_TEMP_TAG and this pid,
 * partobs/npy.h; staging directories with all they hold), removes the empty
 * output directories this run created, prints one line and _exit()s with
 * 128 + the signal number.
 */
#ifndef PARTOBS_CLI_SIGNAL_H
#define PARTOBS_CLI_SIGNAL_H

/* Block the signals and start the watching thread; first thing in main().
 * If the thread cannot be started the signals keep their default action. */
void cli_signals_start(void);

/* Name the command in the interruption message (default "partobs"). */
void cli_signals_command(const char *cmd);

/* The staging lock: held while a staged file or directory is created and
 * while the staged outputs are renamed into place, so that a signal is
 * handled before or after, never in the middle. */
void cli_stage_lock(void);
void cli_stage_unlock(void);

/* On a signal, remove this process's staged entries from dir. 0, or -1 when
 * memory is short. Call with the staging lock held. */
int cli_signal_watch(const char *dir);

/* On a signal, remove dir if it is empty then (an output directory this run
 * created). 0, or -1 when memory is short. Call with the staging lock held. */
int cli_signal_rmdir(const char *dir);

/* ".partobs-tmp.<pid>" of this process. */
const char *cli_stage_tag(void);

/* Remove path and, if it is a directory (not a link), everything in it.
 * 0 or -1 (errno set). */
int cli_remove_tree(const char *path);

#endif
