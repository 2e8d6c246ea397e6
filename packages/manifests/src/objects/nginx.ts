import type { ScoutConfig } from "../schema.js";
import { type Json, metadata, PORTS, type Rendered, resourceName } from "./meta.js";
import { deployment, httpProbes, service } from "./pod.js";

const CONFIG_DIR = "/etc/nginx/scout";

export function nginx(config: ScoutConfig): Rendered[] {
  const name = resourceName("nginx");
  const { externalAccess } = config;
  const objects: Json[] = [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(config, name, { component: "nginx" }),
      data: { "nginx.conf": nginxConf(config) },
    },
    deployment(config, {
      component: "nginx",
      // Lets nginx, running as UID 1000 with no capabilities, listen on port 80 (a safe sysctl).
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
      container: {
        command: ["nginx", "-c", `${CONFIG_DIR}/nginx.conf`, "-g", "daemon off;"],
        port: PORTS.nginx,
        probes: httpProbes(PORTS.nginx, { live: "/nginx-health", ready: "/nginx-health" }),
        configMounts: [{ volume: "config", configMap: name, mountPath: CONFIG_DIR }],
      },
    }),
    service(config, "nginx", PORTS.nginx, {
      type: externalAccess.type === "LoadBalancer" ? "LoadBalancer" : "ClusterIP",
    }),
  ];
  if (externalAccess.type === "Ingress") objects.push(ingress(config));
  return objects.map((object) => ({ group: "nginx", object }));
}

function ingress(config: ScoutConfig): Json {
  const { host, tlsSecretName, className } = config.externalAccess;
  const name = resourceName("nginx");
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadata(config, name, { component: "nginx" }),
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      tls: [{ hosts: [host], secretName: tlsSecretName }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name, port: { number: PORTS.nginx } } },
              },
            ],
          },
        },
      ],
    },
  };
}

const JSON_LOG =
  `'{"time":"$time_iso8601","remote_addr":"$remote_addr","method":"$request_method",` +
  `"uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,` +
  `"duration":$request_time,"user_agent":"$http_user_agent"}'`;

function nginxConf(config: ScoutConfig): string {
  const backend = `${resourceName("backend")}:${PORTS.backend}`;
  const frontend = `${resourceName("frontend")}:${PORTS.frontend}`;
  const json = config.logging.format === "json";
  const proxied = (location: string, target: string) => [
    `    location ${location} {`,
    `      proxy_pass http://backend${target};`,
    "      proxy_http_version 1.1;",
    '      proxy_set_header Connection "";',
    "    }",
  ];
  return [
    "worker_processes auto;",
    "pid /tmp/nginx.pid;",
    `error_log /dev/stderr ${config.logging.level === "debug" ? "info" : "warn"};`,
    "events {",
    "  worker_connections 1024;",
    "}",
    "http {",
    "  include /etc/nginx/mime.types;",
    "  server_tokens off;",
    "  client_body_temp_path /tmp/client_temp;",
    "  proxy_temp_path /tmp/proxy_temp;",
    "  fastcgi_temp_path /tmp/fastcgi_temp;",
    "  uwsgi_temp_path /tmp/uwsgi_temp;",
    "  scgi_temp_path /tmp/scgi_temp;",
    ...(json ? [`  log_format json escape=json ${JSON_LOG};`] : []),
    `  access_log /dev/stdout ${json ? "json" : "combined"};`,
    "  proxy_set_header Host $host;",
    "  proxy_set_header X-Real-IP $remote_addr;",
    "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "  proxy_set_header X-Forwarded-Proto $scheme;",
    `  upstream backend { server ${backend}; }`,
    `  upstream frontend { server ${frontend}; }`,
    "  server {",
    `    listen ${PORTS.nginx};`,
    "    server_name _;",
    "    location / {",
    "      proxy_pass http://frontend;",
    "    }",
    ...proxied("/api", "/api"),
    ...proxied("/logs/stream", "/logs/stream"),
    ...proxied("/admin", "/admin"),
    ...proxied("/docs", "/docs"),
    "    location /openapi {",
    "      proxy_pass http://backend/openapi.json;",
    "    }",
    "    location /nginx-health {",
    "      access_log off;",
    "      default_type text/plain;",
    '      return 200 "healthy\\n";',
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}
