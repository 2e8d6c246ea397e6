/** This package's version, for links to its docs at its release; a test keeps it equal to package.json. */
export const VERSION = "0.1.0";
