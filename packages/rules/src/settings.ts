import { type CoreSettings, type Settings, settingsReader, z } from "@scout-deploy/core";
import { networkSettingsSchema } from "@scout-deploy/netpol";

/** The Security Guide's components: the five parts of the Scout app. */
export const SCOUT_COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"] as const;

/**
 * The Security Guide pack's keys under `policy.settings`, beside core's `namespace`,
 * `componentLabels` and `profile`: what the guide leaves to the deployment.
 */
export const guideSettingsSchema = z
  .object({
    /** The component names a component label may take. @default Scout's five */
    components: z.array(z.string().min(1)).default([...SCOUT_COMPONENTS]),
    /** The user ID every container runs as (pod/run-as-user). @default 1000 */
    expectedUid: z.number().int().min(0).default(1000),
    /**
     * Writable mount paths allowed besides /tmp, for every workload: pod/writable-paths' allowed
     * paths start from these (its `paths` option adds to them). @default []
     */
    writablePaths: z.array(z.string().startsWith("/")).default([]),
    /** Redis authentication required (turns secrets/redis-auth into an error). @default false */
    redisAuth: z.boolean().default(false),
    /**
     * The intended connectivity, set once for every network rule: `flows` (the in-cluster
     * table), `externalAccess` and `externalPort` (outside clients to nginx), `dns` (where the
     * cluster's DNS answers). They were options of network/allowed-flows, no-broad-peers and
     * external-exposure, which still read them (deprecated). @default {}
     */
    network: networkSettingsSchema.default({}),
  })
  .strict();

export type GuideSettings = CoreSettings & z.output<typeof guideSettingsSchema>;

/** The guide pack's typed settings, core's keys included, with defaults for what the policy leaves out. */
export const guideSettings: (settings: Settings) => GuideSettings =
  settingsReader(guideSettingsSchema);
