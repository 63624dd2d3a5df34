"""The offline demo: a replay server, real captures, earlier states built from them."""
