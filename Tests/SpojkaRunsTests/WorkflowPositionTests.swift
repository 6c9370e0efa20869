import SpojkaCore
@testable import SpojkaRuns
import Testing

@Suite("Workflow validator: node positions")
struct WorkflowPositionTests {
    @Test func positionsAreOptionalFiniteAndBounded() {
        #expect(WorkflowValidator.positionProblems("a", nil).isEmpty)
        #expect(WorkflowValidator.positionProblems("a", .null).isEmpty)
        #expect(WorkflowValidator.positionProblems("a", ["x": 12, "y": .double(-40.5)]).isEmpty)
        #expect(WorkflowValidator.positionProblems("a", "left").map(\.path) == ["nodes.a.position"])
        #expect(WorkflowValidator.positionProblems("a", ["x": 1]).map(\.path) == ["nodes.a.position.y"])
        #expect(WorkflowValidator.positionProblems("a", ["x": 1, "y": 2_000_000]).map(\.path) == ["nodes.a.position.y"])
        #expect(WorkflowValidator.positionProblems("a", ["x": "1", "y": 2, "z": 3]).map(\.path) == ["nodes.a.position.z", "nodes.a.position.x"])
    }
}
