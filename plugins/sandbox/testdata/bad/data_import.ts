/** A module trying to pull a host file in as data. */
// @ts-ignore: the import is refused before anything reads it
import secret from "./secret.json" with { type: "json" };
export default secret;
