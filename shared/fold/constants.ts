/**
 * Largest group key, in UTF-8 bytes. DynamoDB sort keys hold at most 1,024 bytes and the results item's
 * sort key is `<window start>#<group key>`; the rest is headroom for the prefix and index keys.
 */
export const MAX_GROUP_KEY_BYTES = 900;
/** Separator between group-by values inside a group key. */
export const GROUP_KEY_SEPARATOR = '|';
