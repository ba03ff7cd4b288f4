/**
 * The line `ocfkit build` writes as the third line of every OCF agent it builds. It tells the
 * bundled engine's executor that the file is one self-contained CommonJS script that a warm,
 * pre-started Node process may load instead of exec'ing a new Node for it (`OCFKIT_EXEC_WARM`).
 *
 * @example
 * readFileSync(agent, 'utf8').split('\n', 3)[2] === WARM_RUNNABLE_MARKER
 */
export const WARM_RUNNABLE_MARKER = '// ocfkit-exec: warm-runnable';
