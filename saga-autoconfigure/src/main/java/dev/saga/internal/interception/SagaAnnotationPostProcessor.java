package dev.saga.internal.interception;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;

import dev.saga.Step;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.spi.StepHook;

/**
 * Inspects every bean for {@code @Saga}, {@code @Step} and {@code @Compensate}, hands what it finds
 * to the {@link DefinitionCollector}, and proxies beans with steps (class-based, outermost advice).
 * A bean whose steps cannot be intercepted is left unproxied; startup validation reports it.
 */
public final class SagaAnnotationPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private final DefinitionCollector collector = new DefinitionCollector();
    private volatile @Nullable BeanFactory beanFactory;
    /** Looked up at the first step call (steps run once the context has started), then kept. */
    private volatile @Nullable Optional<StepHook> stepHook;

    public SagaAnnotationPostProcessor() {
        setProxyTargetClass(true);
        setBeforeExistingAdvisors(true);
        this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, Step.class, true),
                new StepInterceptor(() -> beanFactory.getBean(SagaRegistry.class), this::stepHook));
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        this.beanFactory = beanFactory;
    }

    private @Nullable StepHook stepHook() {
        var resolved = stepHook;
        if (resolved == null) {
            resolved = Optional.ofNullable(beanFactory.getBeanProvider(StepHook.class).getIfUnique());
            stepHook = resolved;
        }
        return resolved.orElse(null);
    }

    /** The definitions found so far and their problems. */
    public DefinitionCollector collector() {
        return collector;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof org.springframework.aop.framework.AopInfrastructureBean) {
            return bean;
        }
        Class<?> userClass = ClassUtils.getUserClass(org.springframework.aop.support.AopUtils.getTargetClass(bean));
        if (userClass.getName().startsWith("org.springframework.") || userClass.getName().startsWith("java")) {
            return bean; // framework beans declare no sagas; skip the reflection
        }
        if (!collector.inspect(beanName, userClass)) {
            return bean;
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }
}
