/** Named in the header of every rendered file; a test keeps it equal to package.json. */
export const TOOL_NAME = "scout-deploy";
export const VERSION = "0.1.0";
