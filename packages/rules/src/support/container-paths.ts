/**
 * Where a `mountPath` lands in the container. The API server keeps the text as written
 * (`/tmp/../etc`, `//tmp/`, `tmp` all pass validation) and the runtime resolves it inside the
 * root filesystem, lexically and from `/`: `/tmp/../etc` mounts over `/etc`.
 */
export function containerPath(mountPath: string): string {
  const parts: string[] = [];
  for (const part of mountPath.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
