#!/usr/bin/env node
// A committed entry point, so package managers can link the bin before the first build. It runs
// the bundle (scripts/bundle.mjs): one file loads in a fraction of the time of its modules.
import "../dist/scout-deploy.js";
