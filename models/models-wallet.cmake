# Model-layer files added for the wallet view (see ui/wallet/).
