/**
 * The "What we changed because of it" paragraph of the `steps` section, kept here so that a
 * rerun of `pnpm bench steps` writes it again. Markdown; write what the figures led to in
 * packages/ (which step, what change, the µs per message before → after).
 */
export const WHAT_WE_CHANGED = 'TODO(lead)';
