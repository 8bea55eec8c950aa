;; a CALL, and a RET that goes on through the jump cache
;; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden

;; b0: block at 0x10000, 2 instructions
;;   10000  mov ecx, 0x5
;;   10005  call func
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32)
    i32.const 5
    local.set $l2
    i32.const 4194320
    i32.load
    local.set $l3
    local.get $l3
    local.set $l4
    local.get $l4
    i32.const 4
    i32.sub
    local.set $l5
    i32.const 4194404
    i32.load
    local.set $l6
    local.get $l6
    local.get $l5
    i32.add
    local.set $l7
    i32.const 8454144
    local.get $l7
    i32.const 12
    i32.shr_u
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $l8
    i32.const 1
    i32.and
    i32.const 0
    i32.ne
    local.get $l7
    i32.const 4095
    i32.and
    i32.const 4092
    i32.le_u
    i32.and
    if $I0
      local.get $l8
      i32.const -4096
      i32.and
      local.get $l7
      i32.const 4095
      i32.and
      i32.add
      i32.const 65546
      i32.store align=1
    else
      i32.const 4194308
      local.get $l2
      i32.store
      local.get $l7
      i32.const 4
      i32.const 65546
      i32.const 65541
      local.get $p0
      i32.const 1
      i32.add
      call $env.write
      local.set $l1
    end
    local.get $l5
    local.set $l3
    i32.const 4194308
    local.get $l2
    i32.store
    i32.const 4194320
    local.get $l3
    i32.store
    local.get $p0
    i32.const 2
    i32.add
    local.set $l9
    local.get $l9
    i32.const 12648448
    i32.load
    i32.le_s
    if $I1
      i32.const 12648512
      i32.load
      local.tee $l10
      if $I2
        local.get $l9
        local.get $l10
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65554
    i32.store
    local.get $l9
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x10012, 2 instructions
;;   10012  add eax, 0x1
;;   10018  ret
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32) (local $l12 i32) (local $l13 i32) (local $l14 i32) (local $l15 i32) (local $l16 i32) (local $l17 i32)
    i32.const 4194304
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    i32.const 1
    i32.add
    local.set $l4
    i32.const 4194348
    i32.const 0
    i32.store
    i32.const 4194356
    local.get $l3
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l4
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2261
    i32.store
    local.get $l4
    local.set $l2
    i32.const 4194320
    i32.load
    local.set $l5
    local.get $l5
    local.set $l6
    i32.const 4194404
    i32.load
    local.set $l7
    local.get $l7
    local.get $l6
    i32.add
    local.set $l8
    i32.const 4259840
    local.get $l8
    i32.const 12
    i32.shr_u
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $l9
    i32.const 1
    i32.and
    i32.const 0
    i32.ne
    local.get $l8
    i32.const 4095
    i32.and
    i32.const 4092
    i32.le_u
    i32.and
    if $I0 (result i32)
      local.get $l9
      i32.const -4096
      i32.and
      local.get $l8
      i32.const 4095
      i32.and
      i32.add
      i32.load align=1
    else
      i32.const 4194304
      local.get $l2
      i32.store
      local.get $l8
      i32.const 4
      i32.const 65560
      local.get $p0
      i32.const 1
      i32.add
      call $env.read
    end
    local.set $l10
    local.get $l5
    local.set $l11
    local.get $l11
    i32.const 4
    i32.add
    local.set $l12
    local.get $l12
    local.set $l5
    i32.const 4194304
    local.get $l2
    i32.store
    i32.const 4194320
    local.get $l5
    i32.store
    local.get $p0
    i32.const 2
    i32.add
    local.set $l13
    local.get $l10
    local.set $l14
    local.get $l13
    i32.const 12648448
    i32.load
    i32.le_s
    if $I1
      i32.const 20709376
      local.get $l14
      local.get $l14
      i32.const 12
      i32.shr_u
      i32.xor
      i32.const 16383
      i32.and
      i32.const 4
      i32.shl
      i32.add
      local.set $l15
      local.get $l15
      i32.load
      local.get $l14
      i32.eq
      local.get $l15
      i32.load offset=8
      i32.const 0
      i32.eq
      i32.and
      if $I2
        i32.const 4259840
        local.get $l14
        i32.const 12
        i32.shr_u
        i32.const 2
        i32.shl
        i32.add
        i32.load
        local.tee $l16
        i32.const 9
        i32.and
        i32.const 1
        i32.eq
        local.get $l16
        i32.const -4096
        i32.and
        local.get $l14
        i32.const 4095
        i32.and
        i32.or
        local.get $l15
        i32.load offset=4
        i32.eq
        i32.and
        if $I3
          local.get $l15
          i32.load offset=12
          local.tee $l17
          if $I4
            local.get $l13
            local.get $l17
            return_call_indirect (type $t0)
          end
        end
      end
    end
    i32.const 4194336
    local.get $l14
    i32.store
    local.get $l13
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x1000a, 2 instructions
;;   1000a  dec ecx
;;   1000b  jnz top
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $l11 i32)
    i32.const 4194308
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    i32.const 1
    i32.sub
    local.set $l4
    i32.const 4194344
    i32.load
    i32.const 1
    i32.and
    if $I0 (result i32)
      i32.const 1
      call $env.flags
    else
      i32.const 4194340
      i32.load
      i32.const 1
      i32.and
    end
    local.set $l5
    i32.const 4194340
    i32.const 4194340
    i32.load
    i32.const -2
    i32.and
    local.get $l5
    i32.or
    i32.store
    i32.const 4194348
    i32.const 1
    i32.store
    i32.const 4194356
    local.get $l3
    i32.store
    i32.const 4194360
    i32.const 1
    i32.store
    i32.const 4194364
    local.get $l4
    i32.store
    i32.const 4194352
    i32.const 31
    i32.store
    i32.const 4194344
    i32.const 2260
    i32.store
    local.get $l4
    local.set $l2
    local.get $l4
    i32.eqz
    local.set $l6
    local.get $l6
    i32.eqz
    local.set $l7
    local.get $l7
    if $I1
      i32.const 4194308
      local.get $l2
      i32.store
      local.get $p0
      i32.const 2
      i32.add
      local.set $l8
      local.get $l8
      i32.const 12648448
      i32.load
      i32.le_s
      if $I2
        i32.const 12648516
        i32.load
        local.tee $l9
        if $I3
          local.get $l8
          local.get $l9
          return_call_indirect (type $t0)
        end
      end
      i32.const 4194336
      i32.const 65541
      i32.store
      local.get $l8
      return
    end
    i32.const 4194308
    local.get $l2
    i32.store
    local.get $p0
    i32.const 2
    i32.add
    local.set $l10
    local.get $l10
    i32.const 12648448
    i32.load
    i32.le_s
    if $I4
      i32.const 12648520
      i32.load
      local.tee $l11
      if $I5
        local.get $l10
        local.get $l11
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65553
    i32.store
    local.get $l10
    return)
  (export "b0" (func $b0)))

;; b0: block at 0x10005, 1 instructions
;;   10005  call func
(module
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32 i32 i32 i32) (result i32)))
  (type $t2 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (type $t3 (func (param i32 i32 i32 i32) (result i32)))
  (type $t4 (func (param i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $env.memory 320 320 shared))
  (import "env" "blocks" (table $env.blocks 1 funcref))
  (import "env" "read" (func $env.read (type $t3)))
  (import "env" "write" (func $env.write (type $t1)))
  (import "env" "readSeg" (func $env.readSeg (type $t1)))
  (import "env" "writeSeg" (func $env.writeSeg (type $t2)))
  (import "env" "flags" (func $env.flags (type $t0)))
  (import "env" "cond" (func $env.cond (type $t0)))
  (import "env" "helper" (func $env.helper (type $t2)))
  (import "env" "interpret" (func $env.interpret (type $t4)))
  (func $b0 (type $t0) (param $p0 i32) (result i32)
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32) (local $l8 i32) (local $l9 i32)
    i32.const 4194320
    i32.load
    local.set $l2
    local.get $l2
    local.set $l3
    local.get $l3
    i32.const 4
    i32.sub
    local.set $l4
    i32.const 4194404
    i32.load
    local.set $l5
    local.get $l5
    local.get $l4
    i32.add
    local.set $l6
    i32.const 8454144
    local.get $l6
    i32.const 12
    i32.shr_u
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $l7
    i32.const 1
    i32.and
    i32.const 0
    i32.ne
    local.get $l6
    i32.const 4095
    i32.and
    i32.const 4092
    i32.le_u
    i32.and
    if $I0
      local.get $l7
      i32.const -4096
      i32.and
      local.get $l6
      i32.const 4095
      i32.and
      i32.add
      i32.const 65546
      i32.store align=1
    else
      local.get $l6
      i32.const 4
      i32.const 65546
      i32.const 65541
      local.get $p0
      i32.const 0
      i32.add
      call $env.write
      local.set $l1
    end
    local.get $l4
    local.set $l2
    i32.const 4194320
    local.get $l2
    i32.store
    local.get $p0
    i32.const 1
    i32.add
    local.set $l8
    local.get $l8
    i32.const 12648448
    i32.load
    i32.le_s
    if $I1
      i32.const 12648524
      i32.load
      local.tee $l9
      if $I2
        local.get $l8
        local.get $l9
        return_call_indirect (type $t0)
      end
    end
    i32.const 4194336
    i32.const 65554
    i32.store
    local.get $l8
    return)
  (export "b0" (func $b0)))
