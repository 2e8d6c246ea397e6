import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
var t=class extends Error{constructor(n,i){super(n);this.status=i}status;name="WriteDeniedError"},r=class extends Error{name="GitHubTimeoutError"},s=class extends Error{name="RateLimitError"};export{t as a,r as b,s as c};
