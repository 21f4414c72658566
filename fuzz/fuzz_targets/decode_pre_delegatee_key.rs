#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rs_habe_fuzz::decode_pre_delegatee_key(data));
