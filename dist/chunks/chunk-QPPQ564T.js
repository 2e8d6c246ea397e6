import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
var e=class extends Error{constructor(t,s){super(t);this.status=s}status;name="WriteDeniedError"};export{e as a};
