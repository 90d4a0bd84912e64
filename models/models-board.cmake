# Model-layer files added for the board view (see ui/board/).
