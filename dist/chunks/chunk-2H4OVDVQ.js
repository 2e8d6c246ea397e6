import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
var e=class extends Error{constructor(n,i){super(n);this.status=i}status;name="WriteDeniedError"},t=class extends Error{name="GitHubTimeoutError"};export{e as a,t as b};
