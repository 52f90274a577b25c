//! The protobuf types generated from `ledger/proto/solartrade/v1/*.proto` (the protocol's specification).

#![allow(clippy::doc_lazy_continuation, clippy::large_enum_variant)]

include!(concat!(env!("OUT_DIR"), "/solartrade.v1.rs"));
