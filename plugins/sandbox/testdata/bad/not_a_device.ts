/** A module whose default export is not a device. */
export default { hello: "world" };
