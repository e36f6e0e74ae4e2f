import ReverieKernel
import ReverieModels
import Foundation
for alpha in [0.05, 0.1, 0.14, 0.2] {
  let n = 1000
  var rng = RandomStream(seed: 1)
  let pats = PatternSet.random(count: Int(alpha * Double(n)), size: n, rng: &rng)
  let net = BinaryNetwork(populations: [("m", n)], dynamics: BinaryDynamics(order: .randomSequential), rng: RandomStream(seed: 2))
  net.connect("rec", from: 0, to: 0, synapses: .dense(DenseWeights(preCount: n, postCount: n)), skipSelf: true)
  let t0 = Date()
  let rule = PlasticityRegistry.entry("hebbian")!.make(RuleParameters(values: ["eta": 1], presynapticCount: n))
  for mu in 0..<pats.count { net.setState(pats[mu], population: 0, clamped: true); net.learn(projection: 0, rule: rule) }
  let t1 = Date()
  var fixed = 0; var m = 0.0
  for mu in 0..<pats.count {
    net.setState(pats[mu], population: 0)
    if net.unstableCount == 0 { fixed += 1 }
    var sch = Scheduler<BinaryNetwork.Message>()
    net.beginRelaxation(at: .zero)
    _ = sch.run(net, until: SimTime(1000))
    m += net.overlap(with: pats[mu], population: 0)
  }
  print(alpha, Double(fixed)/Double(pats.count), m/Double(pats.count), "learn", t1.timeIntervalSince(t0), "test", Date().timeIntervalSince(t1))
  // random relaxations
  let t2 = Date(); var fl = net.flips
  var r2 = RandomStream(seed: 9)
  for _ in 0..<100 { net.randomize(population: 0, rng: &r2); net.beginRelaxation(at: .zero); var sch = Scheduler<BinaryNetwork.Message>(); _ = sch.run(net) ; precondition(net.unstableCount == 0)}
  print("  100 relax", Date().timeIntervalSince(t2), "flips", net.flips - fl)
}
