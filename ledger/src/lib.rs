//! Chain data: protobuf wire types, domain-separated signing, the RocksDB chain store and the state root.
