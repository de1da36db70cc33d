/**
 * The Kubernetes Job that computes a published run: deploy/k8s/job.yaml with the run's queue
 * in its worker's arguments and, in its annotations, the run config and task cache the
 * messages name. The worker's own `--config` (the odc-stats-config ConfigMap) still says how it
 * works the queue; what it computes comes from the run config each message names.
 */
import { APP_VERSION } from '../version.js';

export interface FleetJobRun {
  queue: string;
  configUri: string;
  cacheUri: string;
  product: string;
  version: string;
  tasks: number;
  /** The region of the queue and outputs, for the workers' AWS_REGION. */
  region: string;
}

/** The most workers the Job starts: deploy/k8s/job.yaml's parallelism, fewer for fewer tasks. */
const MAX_PARALLELISM = 10;

/** A DNS-1123 label naming the run's Job after its product: `odc-stats-` and at most 63 characters in all. */
export function fleetJobName(product: string): string {
  const slug = product.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `odc-stats-${slug}`.slice(0, 63).replace(/-+$/, '');
}

/** The manifest as YAML text, to show and to `kubectl apply -f`. Strings are written as JSON strings, which YAML reads as they are. */
export function fleetJobManifest(run: FleetJobRun): string {
  const q = (text: string) => JSON.stringify(text);
  return `# The workers of ${run.product} ${run.version}: ${run.tasks} task messages on ${run.queue}.
# Each message names the run config ${run.configUri}, which they compute with.
apiVersion: batch/v1
kind: Job
metadata:
  name: ${fleetJobName(run.product)}
  labels:
    app.kubernetes.io/name: odc-stats-worker
  annotations:
    odc-stats/run-config: ${q(run.configUri)}
    odc-stats/task-cache: ${q(run.cacheUri)}
spec:
  parallelism: ${Math.max(1, Math.min(MAX_PARALLELISM, run.tasks))}
  backoffLimit: 20
  ttlSecondsAfterFinished: 86400
  template:
    metadata:
      labels:
        app.kubernetes.io/name: odc-stats-worker
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9100"
        prometheus.io/path: /metrics
    spec:
      serviceAccountName: odc-stats-worker
      restartPolicy: Never
      terminationGracePeriodSeconds: 120
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        fsGroup: 1000
      containers:
        - name: worker
          image: registry.example.com/odc-stats-worker:${APP_VERSION}
          args:
            - --from-sqs
            - ${q(run.queue)}
            - --config
            - /etc/odc-stats/config.yaml
            - --grace-period
            - "90"
            - --metrics-port
            - "9100"
          ports:
            - name: metrics
              containerPort: 9100
              protocol: TCP
          env:
            - name: AWS_REGION
              value: ${q(run.region)}
          resources:
            requests:
              cpu: "2"
              memory: 8Gi
            limits:
              cpu: "2"
              memory: 8Gi
          livenessProbe:
            exec:
              command:
                - sh
                - -c
                - test $(( $(date +%s) - $(stat -c %Y /tmp/odc-stats-heartbeat) )) -lt 120
            initialDelaySeconds: 60
            periodSeconds: 30
            failureThreshold: 3
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: config
              mountPath: /etc/odc-stats
              readOnly: true
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: config
          configMap:
            name: odc-stats-config
        - name: tmp
          emptyDir:
            sizeLimit: 20Gi
`;
}
