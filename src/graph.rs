//! The rule base's dependency graph: evaluation order and cycles.
//!
//! Nodes are derived values, findings and strategies; an edge goes from a
//! node to what it reads (`derived.*`, `findings.*`) or requires. The graph
//! is built with petgraph; its strongly connected components give the
//! evaluation order (dependencies first) and every cycle, which is reported
//! as its whole circle. What the nodes mean is not this module's concern.

use std::collections::VecDeque;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// A rule in the graph: which kind, and its index among its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Derived(usize),
    Finding(usize),
    Strategy(usize),
    /// A requirement of the checklist.
    Requirement(usize),
}

#[derive(Debug, Default)]
pub struct DependencyGraph {
    graph: DiGraph<Node, ()>,
}

impl DependencyGraph {
    pub fn new(nodes: impl IntoIterator<Item = Node>) -> Self {
        let mut graph = DiGraph::new();
        for node in nodes {
            graph.add_node(node);
        }
        DependencyGraph { graph }
    }

    /// `from` reads or requires `to`, by position in the node list.
    pub fn add_edge_at(&mut self, from: usize, to: usize) {
        self.graph
            .update_edge(NodeIndex::new(from), NodeIndex::new(to), ());
    }

    /// The nodes that read or require the node at position `at`.
    pub fn dependents(&self, at: usize) -> Vec<Node> {
        self.graph
            .neighbors_directed(NodeIndex::new(at), petgraph::Direction::Incoming)
            .map(|i| self.graph[i])
            .collect()
    }

    /// The nodes with dependencies before dependents, or every cycle.
    pub fn order(&self) -> Result<Vec<Node>, Vec<Vec<Node>>> {
        let components = tarjan_scc(&self.graph);
        let mut cycles = Vec::new();
        let mut order = Vec::with_capacity(self.graph.node_count());
        for component in components {
            let cyclic =
                component.len() > 1 || self.graph.find_edge(component[0], component[0]).is_some();
            if cyclic {
                cycles.push(self.circle(&component));
            } else {
                order.push(self.graph[component[0]]);
            }
        }
        if cycles.is_empty() {
            Ok(order)
        } else {
            cycles.sort();
            Err(cycles)
        }
    }

    /// One shortest circle through the smallest node of a cyclic component,
    /// starting and ending at that node.
    fn circle(&self, component: &[NodeIndex]) -> Vec<Node> {
        let Some(&start) = component.iter().min_by_key(|&&i| self.graph[i]) else {
            return Vec::new();
        };
        let inside = |i: NodeIndex| component.contains(&i);
        let mut parent = vec![None; self.graph.node_count()];
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(at) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = self.graph.edges(at).map(|e| e.target()).collect();
            next.sort_by_key(|&i| self.graph[i]);
            for target in next {
                if target == start {
                    last = Some(at);
                    break 'search;
                }
                if inside(target) && parent[target.index()].is_none() {
                    parent[target.index()] = Some(at);
                    queue.push_back(target);
                }
            }
        }
        let mut path = vec![self.graph[start]];
        let mut at = last;
        while let Some(node) = at {
            if node == start {
                break;
            }
            path.push(self.graph[node]);
            at = parent[node.index()];
        }
        path[1..].reverse();
        path.push(self.graph[start]);
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        let mut g = DependencyGraph::new([Node::Finding(0), Node::Derived(0), Node::Strategy(0)]);
        g.add_edge_at(2, 0);
        g.add_edge_at(0, 1);
        assert_eq!(
            g.order().unwrap(),
            [Node::Derived(0), Node::Finding(0), Node::Strategy(0)]
        );
    }

    #[test]
    fn reports_the_whole_circle() {
        let nodes = [
            Node::Strategy(0),
            Node::Strategy(1),
            Node::Strategy(2),
            Node::Strategy(3),
        ];
        let mut g = DependencyGraph::new(nodes);
        g.add_edge_at(0, 1);
        g.add_edge_at(1, 2);
        g.add_edge_at(2, 0);
        g.add_edge_at(3, 3);
        let cycles = g.order().unwrap_err();
        assert_eq!(
            cycles,
            [
                vec![
                    Node::Strategy(0),
                    Node::Strategy(1),
                    Node::Strategy(2),
                    Node::Strategy(0)
                ],
                vec![Node::Strategy(3), Node::Strategy(3)],
            ]
        );
    }
}
