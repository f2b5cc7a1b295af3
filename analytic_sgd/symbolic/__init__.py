"""The symbolic side: models, the safe parser, the unit-node graph, the chain rule with its
proof, and the moment form. It never imports the numeric side."""
