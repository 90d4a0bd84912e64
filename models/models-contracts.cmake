# Model-layer files added for the contracts view (see ui/contracts/).
