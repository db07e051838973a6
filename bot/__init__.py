"""kefu gateway: the shopper widget's socket.io server, its REST API and the CLI."""
