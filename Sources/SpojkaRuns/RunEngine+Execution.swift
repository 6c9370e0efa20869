import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The run was cancelled by a user (its status is already `cancelled`).
struct RunCancelled: Error {}
/// The workflow's run timeout passed.
struct RunTimedOut: Error {}

extension RunEngine {
    /// Executes a queued job to its end, a pause, or a shutdown.
    func perform(_ job: Job) async {
        switch job {
        case .fresh(let run, let graph):
            _ = await drive(run, graph: graph, replay: [:])  // nothing committed yet beyond the run itself
        case .claimed(let run):
            _ = await drive(run, graph: nil, replay: nil)
        case .resume(let id):
            do {
                guard let run = try await store.read({ try await $0.run(id) }), run.status == .running else { return }
                _ = await drive(run, graph: nil, replay: nil)
            } catch {
                logger.error("run resume failed", metadata: ["run": .string(id.rawValue), "error": .string("\(error)")])
            }
        }
    }

    /// Runs `run` (replaying committed steps) and records how it ended; returns its final (or waiting) state.
    func drive(_ run: Run, graph: CompiledWorkflow?, replay: [String: RunStep]?) async -> Run {
        var run = run
        driving.withLock { _ = $0.insert(run.id) }
        defer {
            _ = cancelled.withLock { $0.remove(run.id) }
            _ = driving.withLock { $0.remove(run.id) }
        }
        do {
            let graph = try await graphOf(run, graph)
            let steps: [String: RunStep]
            if let replay { steps = replay } else {
                let id = run.id
                steps = Dictionary(try await store.read { try await $0.steps(of: id) }.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            }
            let interpreter = Interpreter(run: run, workflow: graph, replay: steps, journal: journal, host: self,
                                          sequence: StepSequence(after: steps.values.map(\.sequence).max() ?? 0))
            switch try await interpreter.execute() {
            case .completed(let output): return try await finish(&run, .completed, output: output, error: nil, response: nil)
            case .waiting: return try await finish(&run, .waiting, output: nil, error: nil, response: nil)
            }
        } catch let error where interrupted(run.id, error) {
            // Cancelled (its status already says so), taken over by another process, or this process is stopping.
            let wasLost = lost.withLock { $0.remove(run.id) } != nil
            if cancelled.withLock({ $0.contains(run.id) }) {
                run.status = .cancelled
                respond(run, summary(run))
            } else if !wasLost {
                // Stopped from outside (a cancelled parent, a shutdown): another process may continue it at once.
                await release(run.id)
            }
            return run
        } catch let ended as RunEnded {
            return (try? await finish(&run, .completed, output: ended.response.body, error: nil, response: ended.response,
                                      recorded: ended.recorded)) ?? run
        } catch let failure as StepFailure {
            return (try? await finish(&run, .failed, output: nil, error: failure.json, response: nil)) ?? run
        } catch is RunTimedOut {
            let error: JSONValue = ["code": "run_timeout", "message": "the run exceeded the workflow's timeout"]
            return (try? await finish(&run, .timedOut, output: nil, error: error, response: nil)) ?? run
        } catch {
            logger.error("run failed unexpectedly", metadata: ["run": .string(run.id.rawValue), "error": .string("\(error)")])
            let json: JSONValue = ["code": "internal_error", "message": "the run failed unexpectedly"]
            return (try? await finish(&run, .failed, output: nil, error: json, response: nil)) ?? run
        }
    }

    /// Lets a run this process stopped executing be claimed at once (in its own task: the caller's may be cancelled).
    func release(_ id: ID<Run>) async {
        let owner = self.owner
        await Task {
            _ = try? await store.transaction { tx in
                guard var run = try await tx.run(id), run.status == .running, run.lease?.owner == owner else { return }
                run.lease = (owner, Date(timeIntervalSince1970: 0))
                try await tx.updateRun(run)
            }
        }.value
    }

    /// Whether `error` ends an execution without recording anything: a cancel, a lost lease, or a shutdown (the run then
    /// stays `running` and resumes in the next process).
    func interrupted(_ id: ID<Run>, _ error: any Error) -> Bool {
        error is RunCancelled || error is CancellationError || cancelled.withLock { $0.contains(id) } || lost.withLock { $0.contains(id) }
    }

    func graphOf(_ run: Run, _ graph: CompiledWorkflow?) async throws -> CompiledWorkflow {
        if let graph { return graph }
        let (id, number) = (run.workflowID, run.version)
        guard let version = try await store.read({ try await $0.workflowVersion(of: id, number) }) else {
            throw StepFailure(nodeID: "", code: "workflow_not_found", message: "workflow \(id) version \(number) no longer exists")
        }
        return try cached(version).graph
    }

    /// Records the end (or pause) of a run unless it was cancelled meanwhile, answers waiters, wakes a waiting parent.
    /// `recorded`: the end was already committed with the last step (a response node).
    func finish(_ run: inout Run, _ status: Run.Status, output: JSONValue?, error: JSONValue?, response: RunResponse?,
                recorded: Bool = false) async throws -> Run {
        let now = clock.now()
        Self.end(&run, status, output: output, error: error, at: now)
        if !recorded { try await journal.write([Self.endWrite(run, at: now)]) }
        respond(run, response ?? (status == .waiting ? nil : summary(run)))
        if status.isFinal, let parent = run.parent { try await wake(parent.run) }
        return run
    }

    /// Sets the fields of a run that ends (or pauses) with `status`.
    static func end(_ run: inout Run, _ status: Run.Status, output: JSONValue?, error: JSONValue?, at now: Date) {
        run.status = status
        run.output = output
        run.error = error
        run.updatedAt = now
        run.finishedAt = status.isFinal ? now : nil
        run.lease = nil
    }

    /// The write that records a run's end unless it was cancelled meanwhile.
    static func endWrite(_ run: Run, at now: Date) -> JournalWrite {
        .custom { tx in _ = try await tx.finishRun(run) }
    }

    /// The answer for a synchronous caller when the run ended without a response node.
    func summary(_ run: Run) -> RunResponse {
        switch run.status {
        case .completed: RunResponse(status: 200, headers: [:], body: ["runId": .string(run.id.rawValue), "status": "completed", "output": run.output ?? .null])
        default:
            RunResponse(status: 500, headers: [:], body: ["error": ["code": "run_failed", "message": .string(run.error?["message"]?.stringValue ?? "the run failed"),
                                                                    "runId": .string(run.id.rawValue), "status": .string(run.status.rawValue),
                                                                    "nodeId": run.error?["nodeId"] ?? .null]])
        }
    }

    func respond(_ run: Run, _ response: RunResponse?) {
        responses.withLock { $0[run.id] }?.fulfil(Outcome(run: run, response: response))
    }

    /// Moves a waiting run back to running and queues it (in the database for any process, or here in memory); `also`
    /// writes with it in the same transaction (an approval's step). Then wakes the claim loop, or executes the run here
    /// when runs are not queued.
    func wake(_ id: ID<Run>, also: @Sendable (any StoreTransaction) async throws -> Void = { _ in }) async throws {
        let now = clock.now()
        let lease = queues ? nil : (owner, now.addingTimeInterval(Self.seconds(options.lease)))
        let woke = try await store.transaction { tx -> Bool in
            guard try await tx.transitionRun(id, from: [.waiting], to: .running, error: nil, at: now),
                  var run = try await tx.run(id) else { return false }
            try await also(tx)
            run.lease = lease
            try await tx.updateRun(run)
            return true
        }
        guard woke else { return }
        if queues { countQueued() } else { schedule(.resume(id)) }
    }
}
