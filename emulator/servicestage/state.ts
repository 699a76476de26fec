import { randomUUID } from 'node:crypto'

/** Job and task status values of platforms.md 2.5. */
export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ROLLBACKED'

export interface Task {
  task_id: string
  task_name: string
  task_type: string
  task_index: number
  task_status: 'SUBMITTED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'CANCELLED'
  messages: string
  created_at: string
  update_at: string
}

export interface Job {
  job_id: string
  job_type: string
  execution_status: JobStatus | 'SUBMITTED'
  rollback_enabled: boolean
  tasks: Task[]
}

export interface DeployRecord {
  version: string
  image: string
  replica: number
  begin_time: number
  end_time: number
  job_id: string
  status: string
  /** 'upgrade', or 'gray' for a gray release (status RUNNING while in progress) */
  deploy_type: string
  /** the gray weight after each of the record's jobs */
  weights: number[]
  /**
   * the component's spec as this version deployed it (envs and all): a rollback to the version
   * restores it (assumed: platforms.md calls the records snapshots, and a version is the whole
   * PUT, not its image alone). Never shown by the records' GET.
   */
  spec: Record<string, unknown>
}

/** A gray release in progress: the new version takes `weight` percent, the stable one the rest. */
export interface Gray {
  weight: number
  stableImage: string
  stableVersion: string
  stableSpec: Record<string, unknown>
}

export interface Component {
  id: string
  project: string
  application: string
  name: string
  version: string
  image: string
  replica: number
  available: number
  status: string
  records: DeployRecord[]
  /** the newest job started on the component, of any kind (its status.last_job_id) */
  lastJobId?: string
  gray?: Gray
  /** smooth weighted round robin between the stable and the gray version */
  turns: [number, number]
  /** the rest of its spec as last created or PUT (runtime_stack, refer_resources, limits, envs, deploy_strategy …) */
  spec: Record<string, unknown>
  environmentId: string
  createTime: number
  updateTime: number
}

/** The spec of a component made through the control API: a Docker image on a CCE cluster. */
export function defaultSpec(): Record<string, unknown> {
  return {
    runtime_stack: { name: 'Docker', type: 'Docker', version: '1.0', deploy_mode: 'container' },
    refer_resources: [{ id: 'cce-cluster-0001', type: 'cce', parameters: { namespace: 'default' } }],
    limit_cpu: 0.5,
    limit_memory: 1,
    request_cpu: 0.25,
    request_memory: 0.5,
    envs: [],
  }
}

/** An application as GET/PUT /v3/{pid}/cas/applications/{aid} show it (servicestage_06_0069). */
export interface Application {
  id: string
  project: string
  name: string
  description: string
  labels: { key: string; value: string }[]
  create_time: number
  update_time: number
}

/** The job a component runs now, and how to end it early (a rollback does). */
export interface RunningJob {
  job: Job
  /** what the component ran before the job (an upgrade's stable version) */
  from?: { image: string; version: string }
  /** ends the job as rolled back, its running task cancelled */
  abandon: () => void
}

/** The emulated ServiceStage: components of applications in projects, and their jobs. */
export class ServiceStageState {
  readonly tokens = new Set(['servicestage-demo-token-0123456789'])
  /** AK/SK key pairs: access key → secret key */
  readonly accessKeys = new Map([['SSDEMOACCESSKEY0123456789', 'servicestage-demo-secret-key-0123456789']])
  readonly components = new Map<string, Component>()
  /** applications, by id: made when their first component is */
  readonly applications = new Map<string, Application>()
  readonly jobs = new Map<string, Job>()
  /** the job each component runs now, by component id */
  readonly running = new Map<string, RunningJob>()
  /** how long each task of a job takes */
  taskMs = 120

  reset(): void {
    for (const running of this.running.values()) running.abandon()
    this.running.clear()
    this.components.clear()
    this.applications.clear()
    this.jobs.clear()
    this.taskMs = 120
  }

  createComponent(project: string, application: string, name: string, image: string, replica: number): Component {
    if (!this.applications.has(application)) {
      const now = Date.now()
      this.applications.set(application, {
        id: application,
        project,
        name: application,
        description: '',
        labels: [],
        create_time: now,
        update_time: now,
      })
    }
    const component: Component = {
      id: randomUUID(),
      project,
      application,
      name,
      version: '2024.0101.00000',
      image,
      replica,
      available: replica,
      status: 'RUNNING',
      records: [],
      turns: [0, 0],
      spec: defaultSpec(),
      environmentId: 'env-0001',
      createTime: Date.now(),
      updateTime: Date.now(),
    }
    component.records.push({
      version: component.version,
      image,
      replica,
      begin_time: Date.now(),
      end_time: Date.now(),
      job_id: `JOB${randomUUID()}`,
      status: 'SUCCEEDED',
      deploy_type: 'upgrade',
      weights: [],
      spec: component.spec,
    })
    this.components.set(component.id, component)
    return component
  }

  newJob(type: string, taskNames: string[]): Job {
    const now = new Date().toISOString()
    const job: Job = {
      job_id: `JOB${randomUUID()}`,
      job_type: type,
      execution_status: 'SUBMITTED',
      rollback_enabled: true,
      tasks: taskNames.map((task_name, i) => ({
        task_id: `Task-${randomUUID()}`,
        task_name,
        task_type: i === 0 ? 'echo' : 'restful',
        task_index: i + 1,
        task_status: 'SUBMITTED',
        messages: '{}',
        created_at: now,
        update_at: now,
      })),
    }
    this.jobs.set(job.job_id, job)
    return job
  }
}
