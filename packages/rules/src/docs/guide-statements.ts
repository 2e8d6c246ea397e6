/**
 * Every statement of the Security Guide that asks something of a deployment, in the guide's
 * order, with the rules that cover it. A rule also covers a statement when its `meta.guide`
 * starts with "<section>: <key>". Rule ids of rules not (yet) in the registry are left out of the
 * generated table, so the list may name rules other engineers are adding.
 */
export interface GuideStatement {
  section: string;
  /** The statement's words in the guide. */
  text: string;
  /** The short form that rules cite in `meta.guide` after the section. */
  key: string;
  rules: readonly string[];
  /** Why no rule covers it, when none can. */
  uncovered?: string;
}

const PROCEDURE = "an operational procedure, not a property of the manifests";

export const guideStatements: readonly GuideStatement[] = [
  {
    section: "Network Policies",
    key: "Scout uses network policies",
    text: "Scout uses network policies to restrict pod-to-pod communication",
    rules: ["network/default-deny", "pod/no-host-namespaces"],
  },
  {
    section: "Network Policies",
    key: "Frontend → Backend",
    text: "Frontend → Backend: Frontend can only communicate with Backend on port 8000",
    rules: ["network/allowed-flows", "network/port-coherence"],
  },
  {
    section: "Network Policies",
    key: "Nginx → Frontend/Backend",
    text: "Nginx → Frontend/Backend: Nginx can communicate with Frontend (port 3000) and Backend (port 8000)",
    rules: ["network/allowed-flows", "network/port-coherence"],
  },
  {
    section: "Network Policies",
    key: "Backend → Redis",
    text: "Backend → Redis: Backend can only communicate with Redis on port 6379",
    rules: ["network/allowed-flows", "network/port-coherence"],
  },
  {
    section: "Network Policies",
    key: "Prometheus → Backend",
    text: "Prometheus → Backend: Prometheus can scrape Backend metrics on port 8000",
    rules: ["network/allowed-flows", "network/port-coherence", "monitoring/metrics-scraped"],
  },
  {
    section: "Network Policies",
    key: "External Access",
    text: "External Access: Configurable external access to Nginx on port 80",
    rules: ["network/external-exposure", "network/no-broad-peers", "network/allowed-flows"],
  },
  {
    section: "Pod Security Standards",
    key: "All Scout containers follow security best practices",
    text: "All Scout containers follow security best practices",
    rules: [],
  },
  {
    section: "Pod Security Standards",
    key: "Non-root execution",
    text: "Non-root execution: All containers run as user ID 1000",
    rules: ["pod/run-as-non-root", "pod/run-as-user", "pod/non-root-groups"],
  },
  {
    section: "Pod Security Standards",
    key: "Read-only filesystem",
    text: "Read-only filesystem: Root filesystem is read-only (except /tmp)",
    rules: ["pod/read-only-root-filesystem", "pod/writable-paths"],
  },
  {
    section: "Pod Security Standards",
    key: "Dropped capabilities",
    text: "Dropped capabilities: All Linux capabilities are dropped",
    rules: ["pod/drop-all-capabilities"],
  },
  {
    section: "Pod Security Standards",
    key: "No privilege escalation",
    text: "No privilege escalation: Containers cannot escalate privileges",
    rules: ["pod/no-privilege-escalation", "pod/not-privileged"],
  },
  {
    section: "RBAC",
    key: "Service Account",
    text: "Service Account: Dedicated service account for Backend",
    rules: ["rbac/dedicated-service-account", "pod/service-account-token"],
  },
  {
    section: "RBAC",
    key: "Minimal permissions",
    text: "Minimal permissions: Only necessary permissions granted",
    rules: ["rbac/no-wildcards", "rbac/no-dangerous-verbs", "rbac/minimal-subjects"],
  },
  {
    section: "RBAC",
    key: "Namespace-scoped",
    text: "Namespace-scoped: All permissions limited to Scout namespace",
    rules: ["rbac/namespace-scoped", "workload/namespace"],
  },
  {
    section: "Secrets Management",
    key: "Kubernetes Secrets",
    text: "Kubernetes Secrets: Sensitive data stored in encrypted secrets",
    rules: ["secrets/no-secret-in-configmap", "secrets/no-plaintext-env"],
  },
  {
    section: "Secrets Management",
    key: "Base64 encoding",
    text: "Base64 encoding: All secret values are base64 encoded",
    rules: ["secrets/valid-base64", "secrets/string-data"],
  },
  {
    section: "Secrets Management",
    key: "Configurable authentication",
    text: "Configurable authentication: Token-based API protection",
    rules: ["secrets/api-auth", "secrets/strong-token"],
  },
  {
    section: "Secrets Management",
    key: "Redis authentication",
    text: "Redis authentication: Optional Redis password protection",
    rules: ["secrets/redis-auth"],
  },
  {
    section: "Use Strong Authentication",
    key: "Generate secure tokens",
    text: "Generate secure tokens using openssl rand -base64 32",
    rules: ["secrets/strong-token"],
  },
  {
    section: "Use Strong Authentication",
    key: "Rotate tokens regularly",
    text: "Rotate tokens regularly",
    rules: ["secrets/rotation-age"],
  },
  {
    section: "Use Strong Authentication",
    key: "Use different tokens for different environments",
    text: "Use different tokens for different environments",
    rules: ["secrets/distinct-environments", "secrets/reuse"],
  },
  {
    section: "Enable Network Policies",
    key: "Restrict pod-to-pod communication",
    text: "Restrict pod-to-pod communication",
    rules: ["network/default-deny", "network/allowed-flows"],
  },
  {
    section: "Enable Network Policies",
    key: "Only allow necessary ports",
    text: "Only allow necessary ports",
    rules: ["network/allowed-flows", "network/no-broad-peers", "network/port-coherence"],
  },
  {
    section: "Enable Network Policies",
    key: "Monitor network traffic",
    text: "Monitor network traffic",
    rules: [],
    uncovered: PROCEDURE,
  },
  {
    section: "Implement Pod Security",
    key: "Run containers as non-root",
    text: "Run containers as non-root",
    rules: ["pod/run-as-non-root", "pod/run-as-user", "pod/non-root-groups"],
  },
  {
    section: "Implement Pod Security",
    key: "Use read-only filesystems",
    text: "Use read-only filesystems",
    rules: ["pod/read-only-root-filesystem", "pod/writable-paths"],
  },
  {
    section: "Implement Pod Security",
    key: "Drop unnecessary capabilities",
    text: "Drop unnecessary capabilities",
    rules: ["pod/drop-all-capabilities"],
  },
  {
    section: "Manage Secrets Properly",
    key: "Use Kubernetes secrets, not ConfigMaps",
    text: "Use Kubernetes secrets, not ConfigMaps",
    rules: ["secrets/no-secret-in-configmap", "secrets/no-plaintext-env"],
  },
  {
    section: "Manage Secrets Properly",
    key: "Rotate secrets regularly",
    text: "Rotate secrets regularly",
    rules: ["secrets/rotation-age"],
  },
  {
    section: "Manage Secrets Properly",
    key: "Use external secret management for production",
    text: "Use external secret management for production",
    rules: ["secrets/external-management"],
  },
  {
    section: "Monitor and Audit",
    key: "Enable Prometheus metrics",
    text: "Enable Prometheus metrics",
    rules: ["monitoring/metrics-scraped"],
  },
  {
    section: "Monitor and Audit",
    key: "Set up alerting for security events",
    text: "Set up alerting for security events",
    rules: ["monitoring/security-alerts"],
  },
  {
    section: "Monitor and Audit",
    key: "Review logs regularly",
    text: "Review logs regularly",
    rules: [],
    uncovered: PROCEDURE,
  },
  {
    section: "Prometheus Metrics",
    key: "scout_api_requests_total",
    text: "scout_api_requests_total: API request count",
    rules: ["monitoring/metrics-scraped"],
  },
  {
    section: "Prometheus Metrics",
    key: "scout_auth_failures_total",
    text: "scout_auth_failures_total: Authentication failures",
    rules: ["monitoring/metrics-scraped", "monitoring/security-alerts"],
  },
  {
    section: "Prometheus Metrics",
    key: "scout_redis_connections",
    text: "scout_redis_connections: Redis connection status",
    rules: ["monitoring/metrics-scraped"],
  },
  {
    section: "Health Checks",
    key: "Liveness probe",
    text: "Liveness probe: /docs endpoint",
    rules: ["workload/probes"],
  },
  {
    section: "Health Checks",
    key: "Readiness probe",
    text: "Readiness probe: /docs endpoint",
    rules: ["workload/probes"],
  },
  {
    section: "Health Checks",
    key: "Startup probe",
    text: "Startup probe: Configurable delay",
    rules: ["workload/startup-probe"],
  },
  {
    section: "Logging",
    key: "Structured logging",
    text: "Structured logging: JSON format; Security events: Authentication and authorization logs; Error tracking: Failed requests and errors",
    rules: ["monitoring/structured-logs"],
  },
  {
    section: "Incident Response",
    key: "Isolate affected pods",
    text: "Isolate affected pods: Scale down to 0 replicas",
    rules: [],
    uncovered: PROCEDURE,
  },
  {
    section: "Incident Response",
    key: "Rotate secrets",
    text: "Rotate secrets: Update all authentication tokens",
    rules: ["secrets/rotation-age"],
  },
  {
    section: "Incident Response",
    key: "Update security",
    text: "Update security: Patch vulnerabilities",
    rules: ["workload/image-pinned"],
  },
  {
    section: "Incident Response",
    key: "Network isolation",
    text: "Network isolation: Review and update network policies",
    rules: ["network/default-deny"],
  },
  {
    section: "Incident Response",
    key: "Review logs, monitor, restore, audit",
    text: "Review logs; Monitor; Backup restoration; Audit review",
    rules: [],
    uncovered: PROCEDURE,
  },
];
