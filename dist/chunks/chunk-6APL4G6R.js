import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
var t=class extends Error{constructor(s,i){super(s);this.status=i}status;name="WriteDeniedError"},e=class extends Error{name="GitHubTimeoutError"};export{t as a,e as b};
