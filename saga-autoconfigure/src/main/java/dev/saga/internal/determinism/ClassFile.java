package dev.saga.internal.determinism;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.Handle;
import org.springframework.asm.Label;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;
import org.springframework.util.ClassUtils;

/**
 * What the check needs of one class's byte code, read once: per method, every call it makes (and
 * every method a lambda or method reference in it names), with its source line and whether the
 * receiver is {@code this}. The bytes come from the class loader's {@code Foo.class} resource, so
 * the check sees the user's class as compiled, not a proxy.
 */
final class ClassFile {

    /** A call, or a method named by a lambda or method reference ({@code opcode} INVOKEDYNAMIC). */
    record Call(int opcode, String owner, String name, String descriptor, int line, boolean onThis) {

        String key() {
            return name + descriptor;
        }
    }

    record Method(String name, String descriptor, int access, List<Call> calls) {
    }

    private final String internalName;
    private @Nullable String sourceFile;
    private final Map<String, Method> methods = new LinkedHashMap<>();

    private ClassFile(String internalName) {
        this.internalName = internalName;
    }

    /** The class's byte code, or none when its class loader has no {@code .class} resource for it. */
    static Optional<ClassFile> read(Class<?> type) throws IOException {
        var loader = type.getClassLoader() != null ? type.getClassLoader() : ClassUtils.getDefaultClassLoader();
        var resource = ClassUtils.convertClassNameToResourcePath(type.getName()) + ClassUtils.CLASS_FILE_SUFFIX;
        try (var in = loader == null ? null : loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            var file = new ClassFile(Type.getInternalName(type));
            new ClassReader(in).accept(file.new Reader(), ClassReader.EXPAND_FRAMES);
            return Optional.of(file);
        }
    }

    String internalName() {
        return internalName;
    }

    @Nullable String sourceFile() {
        return sourceFile;
    }

    Optional<Method> method(String key) {
        return Optional.ofNullable(methods.get(key));
    }

    private final class Reader extends ClassVisitor {

        Reader() {
            super(SpringAsmInfo.ASM_VERSION);
        }

        @Override
        public void visitSource(@Nullable String source, @Nullable String debug) {
            sourceFile = source;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, @Nullable String signature,
                String @Nullable [] exceptions) {
            var calls = new ArrayList<Call>();
            methods.put(name + descriptor, new Method(name, descriptor, access, calls));
            return new MethodScan(calls, (access & Opcodes.ACC_STATIC) == 0);
        }
    }

    /** Follows one method's instructions: the current line, the operand stack, and every call. */
    private static final class MethodScan extends MethodVisitor implements Opcodes {

        private final List<Call> calls;
        private final OperandStack stack = new OperandStack();
        private boolean thisInLocalZero;
        private int line;

        MethodScan(List<Call> calls, boolean instanceMethod) {
            super(SpringAsmInfo.ASM_VERSION);
            this.calls = calls;
            this.thisInLocalZero = instanceMethod;
        }

        @Override
        public void visitLineNumber(int line, Label start) {
            this.line = line;
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, @Nullable String type) {
            stack.handler(handler);
        }

        @Override
        public void visitLabel(Label label) {
            stack.enter(label);
        }

        @Override
        public void visitFrame(int type, int numLocal, Object @Nullable [] local, int numStack,
                Object @Nullable [] stackTypes) {
            int slots = 0;
            for (int i = 0; i < numStack; i++) {
                slots += stackTypes[i] == LONG || stackTypes[i] == DOUBLE ? 2 : 1;
            }
            stack.frame(slots);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            int sizes = Type.getArgumentsAndReturnSizes(descriptor);
            int argumentSlots = (sizes >> 2) - 1;
            boolean instance = opcode != INVOKESTATIC;
            calls.add(new Call(opcode, owner, name, descriptor, line, instance && stack.isThis(argumentSlots)));
            stack.apply(argumentSlots + (instance ? 1 : 0), sizes & 0x3);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            for (var argument : arguments) {
                if (argument instanceof Handle handle && handle.getTag() >= H_INVOKEVIRTUAL) {
                    calls.add(new Call(INVOKEDYNAMIC, handle.getOwner(), handle.getName(), handle.getDesc(), line,
                            false));
                }
            }
            int sizes = Type.getArgumentsAndReturnSizes(descriptor);
            stack.apply((sizes >> 2) - 1, sizes & 0x3);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            switch (opcode) {
                case ALOAD -> stack.push(varIndex == 0 && thisInLocalZero, 1);
                case ILOAD, FLOAD -> stack.push(false, 1);
                case LLOAD, DLOAD -> stack.push(false, 2);
                case ASTORE -> store(varIndex, stack.pop());
                case ISTORE, FSTORE -> {
                    stack.apply(1, 0);
                    store(varIndex, false);
                }
                case LSTORE, DSTORE -> {
                    stack.apply(2, 0);
                    store(varIndex, false);
                }
                default -> stack.lose(); // RET: not in class files since Java 7
            }
        }

        private void store(int varIndex, boolean isThis) {
            if (varIndex == 0) {
                thisInLocalZero = isThis;
            }
        }

        @Override
        public void visitInsn(int opcode) {
            switch (opcode) {
                case DUP -> stack.dup(1, 0);
                case DUP_X1 -> stack.dup(1, 1);
                case DUP_X2 -> stack.dup(1, 2);
                case DUP2 -> stack.dup(2, 0);
                case DUP2_X1 -> stack.dup(2, 1);
                case DUP2_X2 -> stack.dup(2, 2);
                case SWAP -> stack.swap();
                case IRETURN, LRETURN, FRETURN, DRETURN, ARETURN, RETURN, ATHROW -> stack.lose();
                default -> {
                    int effect = effect(opcode);
                    if (effect < 0) {
                        stack.lose();
                    } else {
                        stack.apply(effect >> 4, effect & 0xF);
                    }
                }
            }
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            stack.apply(opcode == NEWARRAY ? 1 : 0, 1); // BIPUSH, SIPUSH, NEWARRAY
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            switch (opcode) {
                case NEW -> stack.push(false, 1);
                case CHECKCAST -> stack.push(stack.pop(), 1); // ((Foo) this).bar() is still a call on this
                default -> stack.apply(1, 1); // ANEWARRAY, INSTANCEOF
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            int size = Type.getType(descriptor).getSize();
            switch (opcode) {
                case GETSTATIC -> stack.apply(0, size);
                case PUTSTATIC -> stack.apply(size, 0);
                case GETFIELD -> stack.apply(1, size);
                default -> stack.apply(1 + size, 0); // PUTFIELD
            }
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            switch (opcode) {
                case GOTO -> {
                    stack.jumpTo(label);
                    stack.lose();
                }
                case JSR -> stack.lose();
                case IFEQ, IFNE, IFLT, IFGE, IFGT, IFLE, IFNULL, IFNONNULL -> {
                    stack.apply(1, 0);
                    stack.jumpTo(label);
                }
                default -> { // IF_ICMPxx, IF_ACMPxx
                    stack.apply(2, 0);
                    stack.jumpTo(label);
                }
            }
        }

        @Override
        public void visitLdcInsn(Object value) {
            stack.push(false, value instanceof Long || value instanceof Double ? 2
                    : value instanceof org.springframework.asm.ConstantDynamic constant ? constant.getSize() : 1);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            switchTo(dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            switchTo(dflt, labels);
        }

        private void switchTo(Label dflt, Label[] labels) {
            stack.apply(1, 0);
            stack.jumpTo(dflt);
            for (var label : labels) {
                stack.jumpTo(label);
            }
            stack.lose();
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
            stack.apply(dimensions, 1);
        }

        /** The slots an instruction without operands pops ({@code >> 4}) and pushes ({@code & 0xF}); -1 if unknown. */
        private static int effect(int opcode) {
            return switch (opcode) {
                case NOP -> 0x00;
                case ACONST_NULL, ICONST_M1, ICONST_0, ICONST_1, ICONST_2, ICONST_3, ICONST_4, ICONST_5, FCONST_0,
                        FCONST_1, FCONST_2 -> 0x01;
                case LCONST_0, LCONST_1, DCONST_0, DCONST_1 -> 0x02;
                case IALOAD, FALOAD, AALOAD, BALOAD, CALOAD, SALOAD -> 0x21;
                case LALOAD, DALOAD -> 0x22;
                case IASTORE, FASTORE, AASTORE, BASTORE, CASTORE, SASTORE -> 0x30;
                case LASTORE, DASTORE -> 0x40;
                case POP, MONITORENTER, MONITOREXIT -> 0x10;
                case POP2 -> 0x20;
                case IADD, ISUB, IMUL, IDIV, IREM, ISHL, ISHR, IUSHR, IAND, IOR, IXOR, FADD, FSUB, FMUL, FDIV, FREM,
                        FCMPL, FCMPG -> 0x21;
                case LADD, LSUB, LMUL, LDIV, LREM, LAND, LOR, LXOR, DADD, DSUB, DMUL, DDIV, DREM -> 0x42;
                case LSHL, LSHR, LUSHR -> 0x32;
                case LCMP, DCMPL, DCMPG -> 0x41;
                case INEG, FNEG, I2F, F2I, I2B, I2C, I2S, ARRAYLENGTH -> 0x11;
                case LNEG, DNEG, L2D, D2L -> 0x22;
                case I2L, I2D, F2L, F2D -> 0x12;
                case L2I, L2F, D2I, D2F -> 0x21;
                default -> -1;
            };
        }
    }
}
