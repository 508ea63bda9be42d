/** One address pattern: a string matches exactly, a RegExp matches anywhere unless anchored. */
export type AddressPattern = string | RegExp;

/** A filter on `from` or `to`: one pattern, or a list where any element may match. */
export type AddressFilter = AddressPattern | readonly AddressPattern[];
