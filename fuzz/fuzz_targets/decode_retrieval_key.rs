#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rs_habe_fuzz::decode_retrieval_key(data));
