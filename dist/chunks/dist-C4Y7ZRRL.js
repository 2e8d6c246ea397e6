import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b}from"./chunk-WKB5UEQG.js";import"./chunk-K7ZN2ZPF.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as securityGuideRules};
